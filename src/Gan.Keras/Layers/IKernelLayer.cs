using TorchSharp;

namespace Gan.Keras.Layers;

/// <summary>A layer with one main weight matrix (kernel) that a wrapper such as <see cref="SpectralNormalization"/> can replace at call time.</summary>
internal interface IKernelLayer
{
    /// <summary>Gets the layer's kernel (after it is built).</summary>
    torch.Tensor Kernel { get; }

    /// <summary>Computes the layer's output with <paramref name="kernel"/> in place of its own kernel.</summary>
    torch.Tensor CallWithKernel(torch.Tensor inputs, torch.Tensor kernel, bool training);
}
