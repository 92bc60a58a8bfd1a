using Gan.Keras.Parity;
using Gan.Keras.Export;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;

namespace Gan.Keras.Tests.Parity;

/// <summary>Replays every golden trace recorded by a real framework (tests/data/golden) within its tolerances.</summary>
public class GoldenParityTests
{
    private readonly ITestOutputHelper output;

    public GoldenParityTests(ITestOutputHelper output) => this.output = output;

    public static TheoryData<string> Traces() => TraceFiles("");

    /// <summary>The PyTorch traces the raw TorchSharp reference ports: the seed MLP and WGAN-GP.</summary>
    public static TheoryData<string> ReferenceTraces() => TraceFiles("torch_mlp_gan_", "torch_wgangp_");

    private static TheoryData<string> TraceFiles(params string[] prefixes)
    {
        var data = new TheoryData<string>();
        foreach (var prefix in prefixes)
            foreach (var file in Directory.GetFiles(TestPaths.Golden, prefix + "*.safetensors").Where(f => !f.EndsWith("_final.safetensors", StringComparison.Ordinal))
                         // Functional traces have their own format and test (FunctionalParityTests).
                         .Where(f => !Path.GetFileName(f).StartsWith("torch_functional_", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
                data.Add(Path.GetFileName(file));
        return data;
    }

    [Trait("Category", "Slow")]
    [Theory]
    [MemberData(nameof(Traces))]
    public void Replay_ByGanKeras_MatchesTheRecordedTrace_WithinItsFrameworksTolerances(string file)
    {
        using var trace = GoldenTrace.Load(TestData.Golden(file));

        var report = ParityRunner.Run(trace);
        output.WriteLine(report.ToJson());

        Assert.StartsWith("Gan.Keras", report.Implementation, StringComparison.Ordinal);
        // The tolerances the report was judged by, written out here rather than read from the table that set them.
        var expected = trace.Semantics switch
        {
            "torch" => (First5: 1e-5, All: 1e-3, FinalWeights: 1e-3),
            "keras" => (First5: 1e-4, All: 5e-2, FinalWeights: 1e-2),
            _ => throw new InvalidDataException($"Trace '{file}' has semantics '{trace.Semantics}'."),
        };
        Assert.Equal(expected, (report.ToleranceFirst5, report.ToleranceAll, report.ToleranceFinalWeights));
        Assert.Equal(trace.Tensor("losses.d").shape[0], report.DiscriminatorSteps);
        Assert.True(report.Pass, report.ToJson());
    }

    [Trait("Category", "Slow")]
    [Theory]
    [MemberData(nameof(ReferenceTraces))]
    public void Replay_ByTheRawTorchSharpReference_MatchesTheTorchTrace(string file)
    {
        using var trace = GoldenTrace.Load(TestData.Golden(file));

        var report = ParityRunner.Run(trace, reference: true);
        output.WriteLine(report.ToJson());

        Assert.StartsWith("TorchSharp reference", report.Implementation, StringComparison.Ordinal);
        Assert.True(report.Pass, report.ToJson());
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void KerasTrace_IsReplayedByGanKeras_WithTheAlgorithm1AdamRuleItsMetadataStates()
    {
        using var trace = GoldenTrace.Load(TestData.Golden("keras_mlp_gan_seed1.safetensors"));

        var rule = ParityRunner.AdamRuleFromMetadata(trace);
        var report = ParityRunner.Run(trace);

        Assert.Equal(Gan.Keras.Optimizers.AdamUpdateRule.Algorithm1, rule);
        // The Keras "epsilon hat" rule would be 5.5e-4 off at step 1; with TensorFlow.js's rule and float32 running
        // product for βᵗ, and the library's BinaryCrossentropy, steps 0–4 match to float rounding (1.2e-7 measured).
        Assert.True(Math.Max(report.DLossFirst5, report.GLossFirst5) <= 1e-6, report.ToJson());
        Assert.True(report.Pass, report.ToJson());
    }

    [Fact]
    public void SequentialTrace_CannotBeReplayedByTheTorchReference()
    {
        using var trace = GoldenTrace.Load(TestData.Golden("torch_dcgan28_seed1.safetensors"));

        var error = Assert.Throws<InvalidDataException>(() => ParityRunner.Run(trace, reference: true));

        Assert.Contains("replayed by Gan.Keras only", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void KerasTrace_CannotBeReplayedByTheTorchReference()
    {
        using var trace = GoldenTrace.Load(TestData.Golden("keras_mlp_gan_seed1.safetensors"));

        var error = Assert.Throws<InvalidDataException>(() => ParityRunner.Run(trace, reference: true));

        Assert.Contains("keras semantics", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_RaisesClearError_WhenTheTraceHasNoFinalWeights()
    {
        string folder = TestPaths.NewTempFolder();
        string path = Path.Combine(folder, "torch_mlp_gan_seed1.safetensors");
        File.Copy(TestData.Golden("torch_mlp_gan_seed1.safetensors"), path);

        var error = Assert.Throws<InvalidDataException>(() => GoldenTrace.Load(path));

        Assert.Contains("no final.* weights", error.Message, StringComparison.Ordinal);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_RaisesClearError_WhenTheTraceRecordsNoSteps()
    {
        string path = Path.Combine(TestPaths.NewTempFolder(), "empty.safetensors");
        var (tensors, metadata) = SafeTensorsFile.Load(TestData.Golden("keras_mlp_gan_seed1.safetensors"));
        tensors["losses.d"] = torch.zeros(0);
        tensors["losses.g"] = torch.zeros(0);
        SafeTensorsFile.Save(path, tensors, metadata);

        var error = Assert.Throws<InvalidDataException>(() => GoldenTrace.Load(path));

        Assert.Contains("records no steps", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("torch_dcgan28_seed1.safetensors", "generator", "\"moving_variance\": \"unbiased\"", "\"moving_variance\": \"biased\"")]
    [InlineData("torch_rmsprop_seed1.safetensors", "optimizer", "\"epsilon_placement\": \"outside_sqrt\"", "\"epsilon_placement\": \"inside_sqrt\"")]
    [InlineData("keras_rmsprop_seed1.safetensors", "optimizer", "\"epsilon_placement\":\"inside_sqrt\"", "\"epsilon_placement\":\"outside_sqrt\"")]
    public void Replay_FailsItsTolerances_WhenTheOtherFrameworksSemanticsIsUsed(string file, string key, string recorded, string other)
    {
        // Given a trace whose metadata is edited to ask for the other framework's rule
        var (tensors, metadata) = SafeTensorsFile.Load(TestData.Golden(file));
        Assert.Contains(recorded, metadata[key], StringComparison.Ordinal);
        metadata[key] = metadata[key].Replace(recorded, other, StringComparison.Ordinal);
        string path = Path.Combine(TestPaths.NewTempFolder(), file);
        SafeTensorsFile.Save(path, tensors, metadata);
        using var trace = GoldenTrace.Load(path);

        // When Gan.Keras replays it
        var report = ParityRunner.Run(trace);
        output.WriteLine(report.ToJson());

        // Then the replay no longer matches: the documented option is what makes the difference
        Assert.False(report.Pass, report.ToJson());
    }
}
