using Gan.Keras.Export.Onnx;
using TorchSharp;

namespace Gan.Keras.Layers;

/// <summary>Leaky ReLU, <c>x</c> for x ≥ 0 and <c>alpha·x</c> otherwise. Keras's default alpha is 0.3 (PyTorch's is 0.01; GANs usually use 0.2).</summary>
public sealed class LeakyReLU : Layer
{
    /// <summary>Initializes a new instance of the <see cref="LeakyReLU"/> class.</summary>
    /// <param name="alpha">Slope for negative inputs; must be non-negative.</param>
    /// <param name="name">Layer name.</param>
    public LeakyReLU(double alpha = 0.3, string? name = null) : base(name)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(alpha);
        Alpha = alpha;
    }

    /// <summary>Gets the slope for negative inputs.</summary>
    public double Alpha { get; }

    /// <inheritdoc />
    public override IReadOnlyList<long> ComputeOutputShape(IReadOnlyList<long> inputShape) => inputShape.ToArray();

    /// <inheritdoc />
    public override LayerConfig GetConfig() => new LeakyReLUConfig(Alpha, ConfigName);

    /// <inheritdoc />
    protected internal override string ExportOnnx(OnnxExportContext onnx, string input) => onnx.AddNode("LeakyRelu", [input], OnnxAttribute.Float("alpha", (float)Alpha));

    /// <inheritdoc />
    protected override torch.Tensor CallCore(torch.Tensor inputs, bool training) => torch.nn.functional.leaky_relu(inputs, Alpha);
}

/// <summary>Configuration of a <see cref="LeakyReLU"/> layer.</summary>
/// <param name="Alpha">Slope for negative inputs.</param>
/// <param name="Name">Layer name.</param>
public sealed record LeakyReLUConfig(double Alpha, string? Name) : LayerConfig(Name)
{
    /// <inheritdoc />
    public override Layer CreateLayer() => new LeakyReLU(Alpha, Name);
}
