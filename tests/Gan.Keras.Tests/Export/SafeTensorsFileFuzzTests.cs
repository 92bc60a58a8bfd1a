using Gan.Keras.Export;
using Gan.Keras.Tests.Fuzzing;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;

namespace Gan.Keras.Tests.Export;

public class SafeTensorsFileFuzzTests(ITestOutputHelper output)
{
    [Fact]
    public void Load_RaisesInvalidDataNamingTheFile_ForEveryMutationOfAWeightsFile()
    {
        // Given 10,000 mutations of a weights file with three dtypes and metadata
        string path = FuzzFile.NewPath("weights.safetensors");
        var tensors = new Dictionary<string, torch.Tensor>
        {
            ["generator.dense.kernel"] = torch.arange(6, dtype: torch.float32).reshape(2, 3),
            ["generator.dense.bias"] = torch.tensor(new long[] { 7, -1 }),
            ["discriminator.mask"] = torch.tensor(new byte[] { 1, 2, 3, 4 }),
        };
        SafeTensorsFile.Save(path, tensors, new Dictionary<string, string> { ["seed"] = "42" });
        foreach (var tensor in tensors.Values) tensor.Dispose();
        byte[] valid = File.ReadAllBytes(path);
        var target = new FuzzTarget("safetensors (weights)", path, valid, m => SafeTensorsMutations.Mutate(m, valid), bytes =>
        {
            var (loaded, _) = SafeTensorsFile.Load(bytes, path);
            foreach (var tensor in loaded.Values) tensor.Dispose();
        })
        {
            CountsTensors = true,
        };

        // When each is loaded
        var report = FuzzHarness.Run(target);

        // Then every one was loaded or refused with InvalidDataException naming the file, leaving no tensor behind
        output.WriteLine(report.ToString());
        report.AssertCounts(rejected: 9_346, accepted: 654);
    }
}
