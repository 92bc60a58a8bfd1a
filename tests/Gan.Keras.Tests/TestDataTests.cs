using System.Security.Cryptography;
using Xunit;

namespace Gan.Keras.Tests;

/// <summary>The committed test data (tests/data) is exactly what tests/data/SHA256SUMS lists, byte for byte.</summary>
public class TestDataTests
{
    [Fact]
    public void EveryCommittedDataFile_MatchesItsListedSha256_AndNoneIsUnlisted()
    {
        // Given tests/data/SHA256SUMS (sha256sum format: "<hex>  <relative path>")
        var listed = File.ReadAllLines(Path.Combine(TestPaths.Data, "SHA256SUMS"))
            .Where(line => line.Length > 0)
            .Select(line => (Hash: line[..64], File: line[66..]))
            .ToArray();

        // When every data file under golden/ and mnist/ is hashed
        var present = Directory.GetFiles(TestPaths.Golden).Concat(Directory.GetFiles(TestPaths.Mnist))
            .Select(path => Path.GetRelativePath(TestPaths.Data, path).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToArray();

        // Then each listed file exists with its hash, and every present file is listed
        Assert.NotEmpty(listed);
        foreach (var (hash, file) in listed)
        {
            string path = Path.Combine(TestPaths.Data, file);
            Assert.True(File.Exists(path), $"{file} is listed in tests/data/SHA256SUMS but absent.");
            using var stream = File.OpenRead(path);
            Assert.Equal(hash, Convert.ToHexStringLower(SHA256.HashData(stream)));
        }
        Assert.Equal(listed.Select(l => l.File).Order(StringComparer.Ordinal), present);
    }
}
