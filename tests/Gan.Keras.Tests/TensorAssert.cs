using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests;

/// <summary>Assertions on named tensors, compared byte for byte.</summary>
internal static class TensorAssert
{
    /// <summary>Asserts the same names, and for each name the same dtype and the same bytes.</summary>
    public static void BitwiseEqual(IReadOnlyDictionary<string, torch.Tensor> expected, IReadOnlyDictionary<string, torch.Tensor> actual)
    {
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (name, tensor) in expected)
        {
            Assert.True(tensor.dtype == actual[name].dtype, $"'{name}': {actual[name].dtype}, expected {tensor.dtype}");
            Assert.True(Bytes(tensor).SequenceEqual(Bytes(actual[name])), $"'{name}' differs from the expected tensor");
        }
    }

    /// <summary>A tensor's values as raw bytes (CPU, contiguous).</summary>
    public static byte[] Bytes(torch.Tensor tensor) => tensor.detach().cpu().contiguous().bytes.ToArray();
}
