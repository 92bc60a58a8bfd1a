using Gan.Keras.Parity;
using Xunit;
using Xunit.Abstractions;

namespace Gan.Keras.Tests.Parity;

/// <summary>
/// WGAN-GP traces replayed by Gan.Keras's own loss, penalty and critic schedule (GoldenParityTests replays them with
/// the raw-TorchSharp reference).
/// </summary>
public class WganGpParityTests
{
    private readonly ITestOutputHelper output;

    public WganGpParityTests(ITestOutputHelper output) => this.output = output;

    public static TheoryData<string> Traces()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(TestPaths.Golden, "torch_wgangp_*.safetensors").Where(f => !f.EndsWith("_final.safetensors", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
            data.Add(Path.GetFileName(file));
        return data;
    }

    [Theory]
    [MemberData(nameof(Traces))]
    public void RunWithGanModel_MatchesPyTorchWganGpTrace_WithTheLibrarysLossAndCriticSchedule(string file)
    {
        // Given PyTorch's WGAN-GP trace (n_critic critic steps per generator step, final weights)
        using var trace = GoldenTrace.Load(TestData.Golden(file));

        // When Gan.Keras replays it: Sequential/Dense, WassersteinGpLoss, GanModel.Fit with DiscriminatorSteps = n_critic,
        // Adam (Algorithm 1 with the trace's β = 0/0.9, ε = 1e-8, lr 1e-4), the trace's z and α through a RecordedNoiseSource
        var report = ParityRunner.RunWithGanModel(trace);
        output.WriteLine(report.ToJson());

        // Then losses match to 1e-5 on the first five steps and 1e-3 overall, and the final weights to 1e-3
        Assert.Equal(trace.Tensor("losses.d").shape[0], report.DiscriminatorSteps);
        Assert.Equal(trace.Tensor("losses.g").shape[0], report.GeneratorSteps);
        Assert.True(Math.Max(report.DLossFirst5, report.GLossFirst5) <= 1e-5, report.ToJson());
        Assert.True(Math.Max(report.DLossAll, report.GLossAll) <= 1e-3, report.ToJson());
        Assert.True(report.FinalWeights <= 1e-3, report.ToJson());
        Assert.True(report.Pass);
    }
}
