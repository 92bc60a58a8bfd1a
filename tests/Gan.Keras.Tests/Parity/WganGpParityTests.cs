using Gan.Keras.Parity;
using Xunit;
using Xunit.Abstractions;

namespace Gan.Keras.Tests.Parity;

public class WganGpParityTests
{
    private const string Trace = "torch_wgangp_seed3.safetensors";
    private readonly ITestOutputHelper output;

    public WganGpParityTests(ITestOutputHelper output) => this.output = output;

    [SkippableFact]
    public void Run_ReplaysPyTorchWganGpTrace_WithinTolerances()
    {
        // Given PyTorch's WGAN-GP trace (30 critic steps, 6 generator steps, final weights)
        using var trace = GoldenTrace.Load(SharedData.RequireGolden(Trace));

        // When the raw-TorchSharp reference replays it
        var report = ParityRunner.Run(trace);
        output.WriteLine(report.ToJson());

        // Then every loss and the final weights are within the torch tolerances
        Assert.Equal(30, report.DiscriminatorSteps);
        Assert.Equal(6, report.GeneratorSteps);
        Assert.NotNull(report.FinalWeights);
        Assert.True(report.Pass, report.ToJson());
    }

    [SkippableFact]
    public void RunWithGanModel_MatchesPyTorchWganGpTrace_WithTheLibrarysLossAndCriticSchedule()
    {
        // Given the same trace
        using var trace = GoldenTrace.Load(SharedData.RequireGolden(Trace));

        // When Gan.Keras replays it: Sequential/Dense, WassersteinGpLoss, GanModel.Fit with DiscriminatorSteps = 5,
        // Adam (Algorithm 1, β = 0/0.9, ε = 1e-8, lr 1e-4), the trace's z and α through a RecordedNoiseSource
        var report = ParityRunner.RunWithGanModel(trace);
        output.WriteLine(report.ToJson());

        // Then losses match to 1e-5 on the first five steps and 1e-3 overall, and the final weights to 1e-3
        Assert.Equal(30, report.DiscriminatorSteps);
        Assert.Equal(6, report.GeneratorSteps);
        Assert.True(Math.Max(report.DLossFirst5, report.GLossFirst5) <= 1e-5, report.ToJson());
        Assert.True(Math.Max(report.DLossAll, report.GLossAll) <= 1e-3, report.ToJson());
        Assert.True(report.FinalWeights <= 1e-3, report.ToJson());
        Assert.True(report.Pass);
    }
}
