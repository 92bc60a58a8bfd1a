using System.Runtime.CompilerServices;
using TorchSharp;

namespace Gan.Keras.Internal;

/// <summary>
/// Remembers which tensors were produced by a sigmoid activation, so a loss that expects logits can warn when it
/// receives probabilities (the seed article's TensorFlow bug). Keras does the same by tagging its outputs.
/// A weak table: remembering a tensor never keeps it alive.
/// </summary>
internal static class TensorProvenance
{
    private static readonly ConditionalWeakTable<torch.Tensor, string> Producers = new();

    public static torch.Tensor MarkSigmoid(torch.Tensor output)
    {
        Producers.AddOrUpdate(output, "sigmoid");
        return output;
    }

    public static bool IsSigmoidOutput(torch.Tensor tensor) =>
        Producers.TryGetValue(tensor, out var producer) && producer == "sigmoid";
}
