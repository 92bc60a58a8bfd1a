using Gan.Keras.Internal;
using TorchSharp;

namespace Gan.Keras.Layers;

/// <summary>Activation functions by their Keras names.</summary>
public static class Activations
{
    /// <summary>The names accepted by <see cref="Get"/>.</summary>
    public static IReadOnlyList<string> Names { get; } = new[] { "linear", "relu", "sigmoid", "tanh", "leaky_relu", "elu", "selu", "softplus", "softmax", "gelu", "swish", "silu" };

    /// <summary>Returns the function for a Keras activation name (<c>relu</c>, <c>tanh</c>, <c>sigmoid</c>, ...).</summary>
    /// <exception cref="ArgumentException">The name is unknown; the message lists the valid names.</exception>
    public static Func<torch.Tensor, torch.Tensor> Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name switch
        {
            "linear" => x => x.alias(),
            "relu" => x => torch.nn.functional.relu(x),
            "sigmoid" => x => TensorProvenance.MarkSigmoid(torch.sigmoid(x)),
            "tanh" => x => torch.tanh(x),
            // Keras's keras.activations.leaky_relu uses negative_slope 0.2.
            "leaky_relu" => x => torch.nn.functional.leaky_relu(x, 0.2),
            "elu" => x => torch.nn.functional.elu(x, 1.0),
            "selu" => x => torch.nn.functional.selu(x),
            "softplus" => x => torch.nn.functional.softplus(x),
            "softmax" => x => torch.nn.functional.softmax(x, -1),
            "gelu" => x => torch.nn.functional.gelu(x),
            "swish" or "silu" => x => torch.nn.functional.silu(x),
            _ => throw new ArgumentException($"Unknown activation '{name}'. Valid names: {string.Join(", ", Names)}.", nameof(name)),
        };
    }
}
