using TorchSharp;

namespace Gan.Keras.Cli.Serving;

/// <summary>A trained generator behind <c>gan serve</c>: a checkpoint run by Gan.Keras (libtorch), or an ONNX export run by ONNX Runtime.</summary>
/// <remarks>Implementations are safe to call from several requests at once.</remarks>
internal interface ISampleSource : IDisposable
{
    /// <summary>Gets the size of a latent vector.</summary>
    int LatentDim { get; }

    /// <summary>Gets the number of classes of a conditional generator, or null.</summary>
    int? NumClasses { get; }

    /// <summary>Gets the per-example shape of the samples (<c>[channels, h, w]</c> for images, <c>[2]</c> for points).</summary>
    IReadOnlyList<long> SampleShape { get; }

    /// <summary>Gets the range of the generator's values, drawn black to white (tanh: [−1, 1], sigmoid: [0, 1]).</summary>
    (double Low, double High) OutputRange { get; }

    /// <summary>Gets a one-line description of what is served (shown on the page and printed at start).</summary>
    string Description { get; }

    /// <summary>Gets the true modes of 2-D data to draw under scatter plots, or null.</summary>
    double[,]? Modes { get; }

    /// <summary>Runs the generator in inference mode.</summary>
    /// <param name="latent">Latent vectors <c>[n, LatentDim]</c>, float32, CPU.</param>
    /// <param name="labels">Class indices <c>[n]</c> (int64) for a conditional generator, else null.</param>
    /// <returns>A new float32 CPU tensor <c>[n, ...SampleShape]</c>.</returns>
    torch.Tensor Generate(torch.Tensor latent, torch.Tensor? labels);
}
