using System.Text;
using Gan.Keras.Export;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Export;

public class SafeTensorsFileTests
{
    [Fact]
    public void SaveThenLoad_RoundTripsValuesShapesAndMetadata()
    {
        string path = Path.Combine(TestPaths.NewTempFolder(), "t.safetensors");
        var tensors = new Dictionary<string, torch.Tensor>
        {
            ["a.kernel"] = torch.arange(6, dtype: torch.float32).reshape(2, 3),
            ["b"] = torch.tensor(new long[] { 7, -1 }),
        };

        SafeTensorsFile.Save(path, tensors, new Dictionary<string, string> { ["seed"] = "42" });
        var (loaded, metadata) = SafeTensorsFile.Load(path);

        Assert.Equal("42", metadata["seed"]);
        Assert.Equal(new long[] { 2, 3 }, loaded["a.kernel"].shape);
        Assert.Equal(new float[] { 0, 1, 2, 3, 4, 5 }, loaded["a.kernel"].data<float>().ToArray());
        Assert.Equal(new long[] { 7, -1 }, loaded["b"].data<long>().ToArray());
    }

    [Fact]
    public void Save_WritesTheStandardLayout_HeaderLengthThenJson()
    {
        string path = Path.Combine(TestPaths.NewTempFolder(), "t.safetensors");

        SafeTensorsFile.Save(path, new Dictionary<string, torch.Tensor> { ["x"] = torch.ones(2) });
        byte[] bytes = File.ReadAllBytes(path);
        long headerLength = BitConverter.ToInt64(bytes, 0);
        string header = Encoding.UTF8.GetString(bytes, 8, (int)headerLength);

        Assert.Equal(0, headerLength % 8);
        Assert.Contains("\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}", header, StringComparison.Ordinal);
        Assert.Equal(8 + headerLength + 8, bytes.Length);
    }

    [Fact]
    public void Load_RefusesATruncatedFile_NamingFileAndTensor()
    {
        string path = Path.Combine(TestPaths.NewTempFolder(), "t.safetensors");
        SafeTensorsFile.Save(path, new Dictionary<string, torch.Tensor> { ["w"] = torch.ones(100) });
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes.Take(bytes.Length - 10).ToArray());

        var ex = Assert.Throws<InvalidDataException>(() => SafeTensorsFile.Load(path));

        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.Contains("'w'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("truncated or corrupt", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_RefusesAGarbageHeaderLength()
    {
        string path = Path.Combine(TestPaths.NewTempFolder(), "t.safetensors");
        File.WriteAllBytes(path, new byte[] { 255, 255, 255, 255, 0, 0, 0, 0, 1, 2 });

        var ex = Assert.Throws<InvalidDataException>(() => SafeTensorsFile.Load(path));

        Assert.Contains("header length", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[-2,-3],\"data_offsets\":[0,24]}}", "negative dimension")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,0]}}", "malformed")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[6],\"data_offsets\":[0,24]},\"w\":{\"dtype\":\"F32\",\"shape\":[6],\"data_offsets\":[0,24]}}", "corrupt safetensors header")]
    [InlineData("{\"__metadata__\":[1]}", "'__metadata__' must be an object of strings")]
    [InlineData("{\"__metadata__\":{\"seed\":42}}", "'__metadata__' entry 'seed' must be a string")]
    [InlineData("{\"__metadata__\":{\"seed\":\"\\ud800\"}}", "is not a valid string")]
    public void Load_RefusesAMalformedHeader_NamingTheFile_AndLeavesNoTensor(string header, string expected)
    {
        // Given a file with 24 data bytes whose header has negative or overflowing dimensions, a key twice, or bad metadata
        string path = Path.Combine(TestPaths.NewTempFolder(), "t.safetensors");
        var json = Encoding.UTF8.GetBytes(header);
        File.WriteAllBytes(path, [.. BitConverter.GetBytes((long)json.Length), .. json, .. new byte[24]]);
        long tensors = torch.Tensor.TotalCount;

        // When it is loaded
        var ex = Assert.Throws<InvalidDataException>(() => SafeTensorsFile.Load(path));

        // Then it is refused as corrupt, naming the file, with no tensor left behind
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.True(torch.Tensor.TotalCount <= tensors);
    }
}
