using System.Globalization;
using Gan.Keras.Export.Images;
using Gan.Keras.Export;
using TorchSharp;

namespace Gan.Keras.Callbacks;

/// <summary>
/// Renders the generator's output on a <b>fixed</b> noise batch at the end of every epoch, so successive pictures
/// show the same latent points improving: a PNG image grid for image data, a PNG scatter plot over the true modes for
/// 2-D data. Writes <c>epoch-0001.png</c>, <c>epoch-0002.png</c>, ... and keeps <c>latest.png</c> current.
/// </summary>
public sealed class SampleGrid : Callback, IDisposable
{
    private readonly torch.Tensor noise;
    private readonly double[,]? modes;
    private readonly int every;

    /// <summary>Initializes a new instance of the <see cref="SampleGrid"/> class.</summary>
    /// <param name="directory">Where the PNG files go.</param>
    /// <param name="noise">The fixed latent batch <c>[n, latentDim]</c>, drawn once per run (see <see cref="DrawNoise"/>) and saved with its checkpoints. The callback keeps its own copy.</param>
    /// <param name="modes">For 2-D data: the true modes, drawn under the samples.</param>
    /// <param name="every">Render every this many epochs.</param>
    public SampleGrid(string directory, torch.Tensor noise, double[,]? modes = null, int every = 1)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(noise);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(every);
        if (noise.dim() != 2)
            throw new ArgumentException($"Fixed noise must have shape [n, latentDim], but got [{string.Join(", ", noise.shape)}].", nameof(noise));
        Directory = directory;
        // The fixed noise lives for the whole run: detached from any dispose scope on purpose.
        this.noise = noise.detach().cpu().clone().DetachFromDisposeScope();
        this.modes = modes;
        this.every = every;
    }

    /// <summary>Gets the folder the pictures are written to.</summary>
    public string Directory { get; }

    /// <summary>Gets the path of the most recent picture (<c>latest.png</c>).</summary>
    public string LatestPath => Path.Combine(Directory, "latest.png");

    /// <summary>Gets the fixed noise (owned by the callback).</summary>
    public torch.Tensor Noise => noise;

    /// <summary>Draws a fixed noise batch <c>[count, latentDim]</c> from N(0, 1) with its own seeded generator, so it does not disturb the training's random stream.</summary>
    public static torch.Tensor DrawNoise(int latentDim, int count, long seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(latentDim);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        using var generator = new torch.Generator((ulong)seed, torch.CPU);
        return torch.randn(new long[] { count, latentDim }, generator: generator);
    }

    /// <summary>Gets the file name of an epoch's picture (<c>epoch-0001.png</c> for epoch index 0).</summary>
    public static string FileName(int epoch) => string.Create(CultureInfo.InvariantCulture, $"epoch-{epoch + 1:D4}.png");

    /// <inheritdoc />
    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        var context = Context ?? throw new InvalidOperationException("SampleGrid is used outside GanModel.Fit().");
        if ((epoch + 1) % every != 0) return;
        // Generating makes intermediate activations: they die with this scope (the result is plain bytes).
        using var scope = TorchSharp.torch.NewDisposeScope();
        byte[] png = SamplePicture.Render(context.Generate(noise), modes, string.Create(CultureInfo.InvariantCulture, $"Generated samples, epoch {epoch + 1}"), context.OutputRange);
        AtomicFile.WriteAllBytes(Path.Combine(Directory, FileName(epoch)), png);
        AtomicFile.WriteAllBytes(LatestPath, png);
    }

    /// <summary>Releases the fixed noise.</summary>
    public void Dispose() => noise.Dispose();
}
