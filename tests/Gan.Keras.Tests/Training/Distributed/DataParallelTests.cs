using System.Globalization;
using System.Text.Json;
using Gan.Keras.Export;
using Xunit;
using Xunit.Abstractions;

namespace Gan.Keras.Tests.Training.Distributed;

public class DataParallelTests(ITestOutputHelper output)
{
    [SkippableFact]
    [Trait("Category", "Slow")]
    public void TwoRanksWithBatchB_TakeTheStepsOfOneProcessWithBatch2B()
    {
        // Given the article's MLP GAN on MNIST digits with the non-saturating loss (20 steps) and with WGAN-GP and 2 critic
        // updates per step (4 steps), per-rank batch 32, and different initial weights per rank (rank 0's are broadcast)
        MpiRun.SkipUnlessAvailable();
        string folder = TestPaths.NewTempFolder();
        string parallel = Path.Combine(folder, "two-ranks"), single = Path.Combine(folder, "one-process");
        // (A third run stops from a rank-0 callback after step 3: every rank must leave together, at the next agreed check.)
        string[] common = { "train", "--runs", "mlp:non-saturating:1:20,mlp:wgan-gp:2:4,mlp:non-saturating:1:30:3", "--mnist", TestPaths.Mnist };

        // When two ranks train data-parallel with batch 32, and one process trains with batch 64 on the same data
        var two = MpiRun.Run(2, MpiRun.HostDll, common.Concat(new[] { "--batch", "32", "--out", parallel }), TimeSpan.FromMinutes(3));
        Assert.True(two.ExitCode == 0, two.Out + two.Error);
        var one = MpiRun.RunSingle(MpiRun.HostDll, common.Concat(new[] { "--single", "--batch", "64", "--out", single }), TimeSpan.FromMinutes(3));
        Assert.True(one.ExitCode == 0, one.Out + one.Error);

        // Then every weight matches up to float summation order, and so do the epoch's logged means (averaged over the ranks)
        foreach (var (run, criticSteps, steps) in new[] { (0, 1, 20), (1, 2, 4) })
        {
            var (expected, _) = SafeTensorsFile.Load($"{single}.{run}.safetensors");
            var (actual, _) = SafeTensorsFile.Load($"{parallel}.{run}.safetensors");
            Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
            double worst = expected.Max(kv => (kv.Value - actual[kv.Key]).abs().max().item<float>());
            var summaryOne = JsonDocument.Parse(File.ReadAllText($"{single}.{run}.safetensors.json")).RootElement;
            var summaryTwo = JsonDocument.Parse(File.ReadAllText($"{parallel}.{run}.safetensors.json")).RootElement;
            double lossGap = Math.Abs(summaryOne.GetProperty("d_loss")[0].GetDouble() - summaryTwo.GetProperty("d_loss")[0].GetDouble());
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{summaryTwo.GetProperty("loss").GetString()}, {criticSteps} critic update(s) per step, {steps} steps: max |Δ weight| = {worst:E2}, |Δ d_loss| = {lossGap:E2}; {summaryTwo.GetProperty("reductions").GetInt64()} allreduces"));
            Assert.True(worst <= 1e-5, $"run {run}: max |Δ| = {worst:E2}");
            Assert.True(lossGap <= 1e-5, $"run {run}: |Δ d_loss| = {lossGap:E2}");
            // One allreduce per network per update: criticSteps for the discriminator and one for the generator, each step.
            Assert.Equal((criticSteps + 1) * steps, summaryTwo.GetProperty("reductions").GetInt64());
            foreach (var tensor in expected.Values.Concat(actual.Values)) tensor.Dispose();
        }

        // And a stop asked for by a callback on rank 0 alone ended the run on both ranks at step 10, the first agreed check
        // (one process stops after the step itself); the launch went on to finish, so no rank was left waiting
        var stoppedTwo = JsonDocument.Parse(File.ReadAllText($"{parallel}.2.safetensors.json")).RootElement;
        var stoppedOne = JsonDocument.Parse(File.ReadAllText($"{single}.2.safetensors.json")).RootElement;
        Assert.Equal(10, stoppedTwo.GetProperty("steps").GetInt32());
        Assert.Equal(3, stoppedOne.GetProperty("steps").GetInt32());
    }
}
