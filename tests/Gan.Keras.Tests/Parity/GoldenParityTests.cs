using Gan.Keras.Parity;
using Xunit;

namespace Gan.Keras.Tests.Parity;

/// <summary>Replays every golden trace recorded by a real framework (tests/data/golden) within its tolerances.</summary>
public class GoldenParityTests
{
    public static TheoryData<string> Traces()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(TestPaths.Golden, "*.safetensors").Where(f => !f.EndsWith("_final.safetensors", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
            data.Add(Path.GetFileName(file));
        return data;
    }

    [Theory]
    [MemberData(nameof(Traces))]
    public void Replay_MatchesTheRecordedTrace_WithinItsTolerances(string file)
    {
        string path = TestData.Golden(file);
        using var trace = GoldenTrace.Load(path);

        var report = ParityRunner.Run(trace);

        Assert.True(report.Pass, report.ToJson());
        Assert.Equal(trace.Tensor("losses.d").shape[0], report.DiscriminatorSteps);
        if (file.Contains("_mlp_gan_", StringComparison.Ordinal)) Assert.NotNull(report.FinalWeights);
    }

    [Fact]
    public void KerasTrace_IsReplayedByGanKeras_WithTheAlgorithm1AdamRuleItsMetadataStates()
    {
        string path = TestData.Golden("keras_mlp_gan_seed1.safetensors");
        using var trace = GoldenTrace.Load(path);

        var rule = ParityRunner.AdamRuleFromMetadata(trace);
        var report = ParityRunner.Run(trace);

        Assert.Equal(Gan.Keras.Optimizers.AdamUpdateRule.Algorithm1, rule);
        Assert.StartsWith("Gan.Keras", report.Implementation, StringComparison.Ordinal);
        Assert.True(report.DLossFirst5 <= 1e-4 && report.GLossFirst5 <= 1e-4, report.ToJson());
        // With TensorFlow.js's float32 running product for βᵗ, every step matches to float rounding (3.6e-7 measured).
        Assert.True(Math.Max(report.DLossAll, report.GLossAll) <= 1e-5, report.ToJson());
    }
}
