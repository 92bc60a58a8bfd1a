using Gan.Keras.Export.Onnx;
using TorchSharp;

namespace Gan.Keras.Layers;

/// <summary>Randomly zeroes inputs with probability <c>rate</c> during training and scales the rest by 1/(1−rate); identity at inference.</summary>
public sealed class Dropout : Layer
{
    /// <summary>Initializes a new instance of the <see cref="Dropout"/> class.</summary>
    /// <param name="rate">Fraction of inputs to drop, in [0, 1).</param>
    /// <param name="name">Layer name.</param>
    public Dropout(double rate, string? name = null) : base(name)
    {
        if (rate < 0 || rate >= 1)
            throw new ArgumentOutOfRangeException(nameof(rate), rate, "Dropout rate must be in [0, 1).");
        Rate = rate;
    }

    /// <summary>Gets the fraction of inputs dropped during training.</summary>
    public double Rate { get; }

    /// <inheritdoc />
    public override IReadOnlyList<long> ComputeOutputShape(IReadOnlyList<long> inputShape) => inputShape.ToArray();

    /// <inheritdoc />
    public override LayerConfig GetConfig() => new DropoutConfig(Rate, ConfigName);

    /// <inheritdoc />
    /// <remarks>Inference mode: the identity.</remarks>
    protected internal override string ExportOnnx(OnnxExportContext onnx, string input) => input;

    /// <inheritdoc />
    protected override torch.Tensor CallCore(torch.Tensor inputs, bool training) =>
        training && Rate > 0 ? torch.nn.functional.dropout(inputs, Rate, training: true) : inputs.alias();
}

/// <summary>Configuration of a <see cref="Dropout"/> layer.</summary>
/// <param name="Rate">Fraction dropped.</param>
/// <param name="Name">Layer name.</param>
public sealed record DropoutConfig(double Rate, string? Name) : LayerConfig(Name)
{
    /// <inheritdoc />
    public override Layer CreateLayer() => new Dropout(Rate, Name);
}
