using TorchSharp;

namespace Gan.Keras.Training;

/// <summary>Draws noise from a <c>torch.Generator</c> (a <see cref="Models.GanModel"/>'s seeded stream, by default).</summary>
/// <remarks>The generator is borrowed, not owned: disposing it stays its owner's job; its state is what a checkpoint saves.</remarks>
public sealed class GeneratorNoiseSource : NoiseSource
{
    private readonly torch.Generator generator;

    /// <summary>Initializes a new instance of the <see cref="GeneratorNoiseSource"/> class.</summary>
    /// <param name="generator">The random generator to draw from (CPU).</param>
    public GeneratorNoiseSource(torch.Generator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        this.generator = generator;
    }

    /// <inheritdoc />
    public override torch.Tensor Normal(long[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        return torch.randn(shape, generator: generator);
    }

    /// <inheritdoc />
    public override torch.Tensor Uniform(long[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        return torch.rand(shape, generator: generator);
    }
}
