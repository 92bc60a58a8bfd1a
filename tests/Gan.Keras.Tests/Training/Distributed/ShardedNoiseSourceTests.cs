using Gan.Keras.Training;
using Gan.Keras.Training.Distributed;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Training.Distributed;

public class ShardedNoiseSourceTests
{
    [Fact]
    public void RanksSlices_ConcatenateToTheOneProcessDraws_AndTheSharedGeneratorsStayInStep()
    {
        // Given one process's source and two ranks' sources, all seeded alike
        using var single = new torch.Generator(42, torch.CPU);
        var generators = new[] { new torch.Generator(42, torch.CPU), new torch.Generator(42, torch.CPU) };
        var ranks = generators.Select((g, r) => new ShardedNoiseSource(new GeneratorNoiseSource(g), r, 2)).ToArray();
        var reference = new GeneratorNoiseSource(single);

        // When each rank draws 3 latent vectors and 3 penalty coefficients, and the process draws 6 of each
        using var z = reference.Normal(new long[] { 6, 4 });
        using var alpha = reference.Uniform(new long[] { 6, 1 });
        var zs = ranks.Select(r => r.Normal(new long[] { 3, 4 })).ToArray();
        var alphas = ranks.Select(r => r.Uniform(new long[] { 3, 1 })).ToArray();

        // Then the ranks' slices, in rank order, are the process's draws, and every generator is in the same state
        Assert.Equal(TensorAssert.Bytes(z), TensorAssert.Bytes(torch.cat(zs)));
        Assert.Equal(TensorAssert.Bytes(alpha), TensorAssert.Bytes(torch.cat(alphas)));
        using var expected = single.get_state();
        foreach (var generator in generators)
        {
            using var state = generator.get_state();
            Assert.Equal(TensorAssert.Bytes(expected), TensorAssert.Bytes(state));
            generator.Dispose();
        }
    }
}
