using Gan.Keras.Layers;
using Gan.Keras.Models;
using Gan.Keras.Training;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Training;

public class GeneratorAverageTests
{
    [Fact]
    public void SwapInto_PutsTheAverageIn_ThenTheTrainedWeightsBack_Bitwise()
    {
        // Given a generator whose weights moved away from the average started at its initial weights
        RandomSeed.Set(3);
        using var generator = Generator();
        using var average = new GeneratorAverage(generator);
        var initial = Snapshot(generator);
        using (torch.no_grad()) foreach (var (_, tensor) in generator.state_dict()) tensor.add_(1.0);
        var trained = Snapshot(generator);

        // When the average is swapped in, read, and swapped out
        Dictionary<string, torch.Tensor> during;
        using (average.SwapInto(generator)) during = Snapshot(generator);
        var after = Snapshot(generator);

        // Then the generator held the average (its initial weights) while swapped, and its trained weights after
        TensorAssert.BitwiseEqual(initial, during);
        TensorAssert.BitwiseEqual(trained, after);
    }

    [Fact]
    public void SwapInto_KeepsOneStashAcrossCalls_InsteadOfCopyingTheGeneratorEachTime()
    {
        // Given an average swapped in and out once (its stash for the trained weights is made then)
        RandomSeed.Set(4);
        using var generator = Generator();
        using var average = new GeneratorAverage(generator);
        average.SwapInto(generator).Dispose();
        long before = torch.Tensor.TotalCount;

        // When it is swapped in again, and out
        long during;
        using (average.SwapInto(generator)) during = torch.Tensor.TotalCount;
        long after = torch.Tensor.TotalCount;

        // Then no tensor was made for it: not one copy per weight while swapped, none left after
        Assert.Equal(before, during);
        Assert.Equal(before, after);
    }

    [Fact]
    public void SwapInto_AfterADtypeMove_SwapsInTheMovedAverage()
    {
        // Given an average and its generator moved to float64 after a first swap made a float32 stash
        RandomSeed.Set(5);
        using var generator = Generator();
        using var average = new GeneratorAverage(generator);
        average.SwapInto(generator).Dispose();
        generator.to(torch.float64);
        average.MoveTo(torch.CPU, torch.float64);
        var trained = Snapshot(generator);

        // When the average is swapped in and out
        using (average.SwapInto(generator)) { }

        // Then the trained float64 weights are back, bit for bit
        TensorAssert.BitwiseEqual(trained, Snapshot(generator));
    }

    private static Sequential Generator() =>
        new(new Layer[] { new Dense(3, "tanh"), new BatchNormalization() }, inputShape: [2], name: "generator");

    private static Dictionary<string, torch.Tensor> Snapshot(Model generator) =>
        generator.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone(), StringComparer.Ordinal);
}
