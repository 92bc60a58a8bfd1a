using Gan.Keras.Data;
using Gan.Keras.Tests.Fuzzing;
using Xunit;
using Xunit.Abstractions;

namespace Gan.Keras.Tests.Data;

public class Cifar10FuzzTests(ITestOutputHelper output)
{
    [Fact]
    public void ReadRecords_RaisesInvalidDataNamingTheFile_ForEveryMutationOfABatchFile()
    {
        // Given 10,000 mutations of a two-record test_batch.bin: the generic ones, and labels set to any byte
        string path = Path.Combine(TestPaths.NewTempFolder(), "test_batch.bin");
        byte[] valid = Cifar10Tests.Records(2, k => (byte)(k + 3));
        var target = new FuzzTarget("CIFAR-10 batch", path, valid, Generate, bytes => Cifar10.ReadRecords(bytes, path, int.MaxValue, [], []));

        // When each is read as Cifar10.Load reads every file of a split
        var report = FuzzHarness.Run(target);

        // Then every one was read or refused with InvalidDataException naming the file
        output.WriteLine(report.ToString());
        report.AssertCounts(rejected: 5_725, accepted: 4_275);

        Mutation Generate(Mutator m)
        {
            if (m.Random.Next(5) != 0) return m.Mutate(valid);
            var bytes = (byte[])valid.Clone();
            int record = m.Random.Next(2);
            bytes[record * Cifar10.RecordLength] = (byte)m.Random.Next(256);
            return new Mutation($"label of record {record} set to {bytes[record * Cifar10.RecordLength]}", bytes);
        }
    }
}
