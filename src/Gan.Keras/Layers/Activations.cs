using Gan.Keras.Export.Onnx;
using Gan.Keras.Internal;
using TorchSharp;

namespace Gan.Keras.Layers;

/// <summary>Activation functions by their Keras names: each name, its computation and its ONNX conversion, in one table.</summary>
public static class Activations
{
    private static readonly (string Name, Func<torch.Tensor, torch.Tensor> Compute, Func<OnnxExportContext, string, string> Onnx)[] Table =
    {
        ("linear", x => x.alias(), (_, x) => x),
        ("relu", x => torch.nn.functional.relu(x), (onnx, x) => onnx.AddNode("Relu", [x])),
        ("sigmoid", x => TensorProvenance.MarkSigmoid(torch.sigmoid(x)), (onnx, x) => onnx.AddNode("Sigmoid", [x])),
        ("tanh", x => torch.tanh(x), (onnx, x) => onnx.AddNode("Tanh", [x])),
        // Keras's keras.activations.leaky_relu uses negative_slope 0.2.
        ("leaky_relu", x => torch.nn.functional.leaky_relu(x, 0.2), (onnx, x) => onnx.AddNode("LeakyRelu", [x], OnnxAttribute.Float("alpha", 0.2f))),
        ("elu", x => torch.nn.functional.elu(x, 1.0), (onnx, x) => onnx.AddNode("Elu", [x], OnnxAttribute.Float("alpha", 1f))),
        // ONNX's default α and γ are libtorch's constants.
        ("selu", x => torch.nn.functional.selu(x), (onnx, x) => onnx.AddNode("Selu", [x])),
        ("softplus", x => torch.nn.functional.softplus(x), (onnx, x) => onnx.AddNode("Softplus", [x])),
        ("softmax", x => torch.nn.functional.softmax(x, -1), (onnx, x) => onnx.AddNode("Softmax", [x], OnnxAttribute.Int("axis", -1))),
        ("gelu", x => torch.nn.functional.gelu(x), Gelu),
        ("swish", x => torch.nn.functional.silu(x), Swish),
        ("silu", x => torch.nn.functional.silu(x), Swish),
    };

    /// <summary>The names accepted by <see cref="Get"/>.</summary>
    public static IReadOnlyList<string> Names { get; } = Table.Select(a => a.Name).ToArray();

    /// <summary>Returns the function for a Keras activation name (<c>relu</c>, <c>tanh</c>, <c>sigmoid</c>, ...).</summary>
    /// <exception cref="ArgumentException">The name is unknown; the message lists the valid names.</exception>
    public static Func<torch.Tensor, torch.Tensor> Get(string name) => Find(name).Compute;

    /// <summary>Adds the activation to an ONNX graph and returns the name of its output (the input itself for <c>linear</c>).</summary>
    internal static string ExportOnnx(string name, OnnxExportContext onnx, string input) => Find(name).Onnx(onnx, input);

    private static (string Name, Func<torch.Tensor, torch.Tensor> Compute, Func<OnnxExportContext, string, string> Onnx) Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (var activation in Table)
            if (activation.Name == name) return activation;
        throw new ArgumentException($"Unknown activation '{name}'. Valid names: {string.Join(", ", Names)}.", nameof(name));
    }

    // Exact GELU, 0.5·x·(1 + erf(x/√2)) (libtorch's default); the Gelu operator needs opset 20.
    private static string Gelu(OnnxExportContext onnx, string x)
    {
        string root2 = onnx.AddFloats("sqrt2", Array.Empty<long>(), new[] { MathF.Sqrt(2f) });
        string one = onnx.AddFloats("one", Array.Empty<long>(), [1f]);
        string half = onnx.AddFloats("half", Array.Empty<long>(), [0.5f]);
        string erf = onnx.AddNode("Erf", [onnx.AddNode("Div", [x, root2])]);
        string gate = onnx.AddNode("Mul", [onnx.AddNode("Add", [erf, one]), half]);
        return onnx.AddNode("Mul", [x, gate]);
    }

    private static string Swish(OnnxExportContext onnx, string x) => onnx.AddNode("Mul", [x, onnx.AddNode("Sigmoid", [x])]);
}
