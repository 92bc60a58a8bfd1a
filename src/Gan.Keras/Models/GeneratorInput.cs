using Gan.Keras.Internal;
using Gan.Keras.Training;
using TorchSharp;

namespace Gan.Keras.Models;

/// <summary>
/// What a GAN feeds one input of its generator (Keras's <c>Model([noise, label], ...)</c>): the latent vector, the class
/// labels, or a code drawn at every step (InfoGAN). A <see cref="GanModel"/> lists one per generator input, in order.
/// </summary>
public abstract class GeneratorInput
{
    private protected GeneratorInput(string name, IReadOnlyList<long> shape)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        Shape = shape.ToArray();
    }

    /// <summary>Gets the input's name (ONNX export names the graph input after it).</summary>
    public string Name { get; }

    /// <summary>Gets the per-example shape the generator takes for this input.</summary>
    public IReadOnlyList<long> Shape { get; }

    /// <summary>Gets the element type: float32, or int64 for labels.</summary>
    public virtual torch.ScalarType DType => torch.ScalarType.Float32;

    /// <summary>The latent vector <c>[dim]</c>, drawn from N(0, 1) at every step.</summary>
    public static GeneratorInput Latent(int dim, string name = "latent") => new LatentInput(dim, name);

    /// <summary>Class labels (int64 indices in [0, numClasses)): the batch's labels in training, chosen ones when generating. Per-example shape <c>[1]</c> (Keras's <c>Input(shape=(1,), dtype="int32")</c>) or <c>[]</c>.</summary>
    public static GeneratorInput Labels(int numClasses, string name = "labels", bool column = true) => new LabelsInput(numClasses, name, column);

    /// <summary>A one-hot categorical code <c>[categories]</c> drawn uniformly at every step (InfoGAN's c₁).</summary>
    public static GeneratorInput CategoricalCode(int categories, string name = "code") => new CategoricalCodeInput(categories, name);

    /// <summary>A continuous code <c>[dim]</c> drawn from U(low, high) at every step (InfoGAN's continuous codes).</summary>
    public static GeneratorInput UniformCode(int dim, double low = -1, double high = 1, string name = "continuous_code") => new UniformCodeInput(dim, low, high, name);

    /// <summary>Draws <paramref name="n"/> values from <paramref name="noise"/> (codes and latent vectors; labels are not drawn).</summary>
    internal abstract torch.Tensor Draw(long n, NoiseSource noise);
}

/// <summary>The latent vector input; see <see cref="GeneratorInput.Latent"/>.</summary>
public sealed class LatentInput : GeneratorInput
{
    internal LatentInput(int dim, string name) : base(name, new long[] { Positive(dim) }) => Dim = dim;

    /// <summary>Gets the latent dimension.</summary>
    public int Dim { get; }

    internal override torch.Tensor Draw(long n, NoiseSource noise) => noise.Normal(new[] { n, (long)Dim });

    internal static int Positive(int value, string what = "A latent dimension") =>
        value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, $"{what} must be positive.");
}

/// <summary>The class-label input; see <see cref="GeneratorInput.Labels"/>.</summary>
public sealed class LabelsInput : GeneratorInput
{
    internal LabelsInput(int numClasses, string name, bool column) : base(name, column ? new long[] { 1 } : Array.Empty<long>())
    {
        if (numClasses < 2) throw new ArgumentOutOfRangeException(nameof(numClasses), numClasses, "A conditional GAN needs at least 2 classes.");
        NumClasses = numClasses;
    }

    /// <summary>Gets the number of classes.</summary>
    public int NumClasses { get; }

    /// <inheritdoc />
    public override torch.ScalarType DType => torch.ScalarType.Int64;

    /// <summary>Labels <c>[n]</c> as this input takes them (<c>[n, 1]</c> for a column).</summary>
    internal torch.Tensor Shaped(torch.Tensor labels) => Shape.Count == 0 ? labels.alias() : labels.reshape(labels.shape[0], 1);

    internal override torch.Tensor Draw(long n, NoiseSource noise) =>
        throw new InvalidOperationException($"Generator input '{Name}' takes class labels: give the batch's labels (train on labelled data) or chosen ones.");
}

/// <summary>A one-hot categorical code input; see <see cref="GeneratorInput.CategoricalCode"/>.</summary>
public sealed class CategoricalCodeInput : GeneratorInput
{
    internal CategoricalCodeInput(int categories, string name) : base(name, new long[] { LatentInput.Positive(categories, "A code's number of categories") }) => Categories = categories;

    /// <summary>Gets the number of categories.</summary>
    public int Categories { get; }

    internal override torch.Tensor Draw(long n, NoiseSource noise)
    {
        using var scope = torch.NewDisposeScope();
        var u = noise.Uniform(new[] { n });
        var index = (u * Categories).floor().clamp_max(Categories - 1).to(torch.int64);
        return torch.nn.functional.one_hot(index, Categories).to(u.dtype, u.device).MoveToOuterDisposeScope();
    }
}

/// <summary>A continuous code input drawn from U(low, high); see <see cref="GeneratorInput.UniformCode"/>.</summary>
public sealed class UniformCodeInput : GeneratorInput
{
    internal UniformCodeInput(int dim, double low, double high, string name) : base(name, new long[] { LatentInput.Positive(dim, "A code's dimension") })
    {
        if (!(low < high) || double.IsInfinity(low) || double.IsInfinity(high))
            throw new ArgumentOutOfRangeException(nameof(high), high, $"A uniform code needs finite low < high, but got [{low}, {high}].");
        (Dim, Low, High) = (dim, low, high);
    }

    /// <summary>Gets the code's dimension.</summary>
    public int Dim { get; }

    /// <summary>Gets the lower bound.</summary>
    public double Low { get; }

    /// <summary>Gets the upper bound.</summary>
    public double High { get; }

    internal override torch.Tensor Draw(long n, NoiseSource noise)
    {
        using var scope = torch.NewDisposeScope();
        return (noise.Uniform(new[] { n, (long)Dim }) * (High - Low) + Low).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// What the generator is fed for one batch: a tensor per <see cref="GanModel.GeneratorInputs"/> entry, in order, and the
/// class labels <c>[n]</c> among them (null for an unconditional GAN), which conditional discriminators and label
/// targets also use.
/// </summary>
/// <param name="Inputs">One tensor per generator input.</param>
/// <param name="Labels">The class labels <c>[n]</c>, or null.</param>
public sealed record LatentBatch(IReadOnlyList<torch.Tensor> Inputs, torch.Tensor? Labels)
{
    /// <summary>Gets the latent vectors (the first input).</summary>
    public torch.Tensor Latent => Inputs[0];

    /// <summary>Gets the batch size.</summary>
    public long Size => Inputs[0].shape[0];

    internal static string Describe(IReadOnlyList<GeneratorInput> inputs) =>
        string.Join(", ", inputs.Select(i => $"'{i.Name}' {Shapes.FormatWithBatch(i.Shape)}"));
}
