using Gan.Keras.Export.Onnx;
using TorchSharp;

namespace Gan.Keras.Layers;

/// <summary>Applies a named activation (<c>tanh</c>, <c>sigmoid</c>, <c>relu</c>, ...), as Keras's <c>Activation</c> layer.</summary>
public sealed class Activation : Layer
{
    private readonly Func<torch.Tensor, torch.Tensor> function;

    /// <summary>Initializes a new instance of the <see cref="Activation"/> class.</summary>
    /// <param name="activation">A Keras activation name; see <see cref="Activations.Names"/>.</param>
    /// <param name="name">Layer name.</param>
    public Activation(string activation, string? name = null) : base(name)
    {
        ArgumentNullException.ThrowIfNull(activation);
        function = Activations.Get(activation);
        ActivationName = activation;
    }

    /// <summary>Gets the activation's name.</summary>
    public string ActivationName { get; }

    /// <inheritdoc />
    public override IReadOnlyList<long> ComputeOutputShape(IReadOnlyList<long> inputShape) => inputShape.ToArray();

    /// <inheritdoc />
    public override LayerConfig GetConfig() => new ActivationConfig(ActivationName, ConfigName);

    /// <inheritdoc />
    protected internal override string ExportOnnx(OnnxExportContext onnx, string input) => onnx.Activate(ActivationName, input);

    /// <inheritdoc />
    protected override torch.Tensor CallCore(torch.Tensor inputs, bool training) => function(inputs);
}

/// <summary>Configuration of an <see cref="Activation"/> layer.</summary>
/// <param name="Activation">Keras activation name.</param>
/// <param name="Name">Layer name.</param>
public sealed record ActivationConfig(string Activation, string? Name) : LayerConfig(Name)
{
    /// <inheritdoc />
    public override Layer CreateLayer() => new Activation(Activation, Name);
}
