using System.Runtime.InteropServices;
using TorchSharp;

namespace Gan.Keras.Internal;

/// <summary>
/// The address of a tensor's data, for native libraries that read and write it in place (MPI, NCCL). TorchSharp
/// 0.107 does not expose <c>data_ptr()</c>; its native library exports it as <c>THSTensor_data</c>.
/// </summary>
internal static class TensorMemory
{
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate IntPtr DataFn(IntPtr tensor);

    private static readonly Lazy<DataFn> Data = new(BindData);

    /// <summary>The address of the first element of a contiguous tensor (host memory for CPU tensors, device memory for CUDA ones).</summary>
    /// <exception cref="ArgumentException">The tensor is not contiguous, so its elements are not one block.</exception>
    public static IntPtr Address(torch.Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (!tensor.is_contiguous())
            throw new ArgumentException($"A tensor of shape {Shapes.Format(tensor.shape)} is not contiguous, so its elements are not one block of memory; pass tensor.contiguous() and copy the result back.", nameof(tensor));
        var address = Data.Value(tensor.Handle);
        if (address == IntPtr.Zero && tensor.numel() > 0)
            throw new InvalidOperationException($"libtorch returned no data address for a {tensor.dtype} tensor on {tensor.device} of shape {Shapes.Format(tensor.shape)}.");
        return address;
    }

    /// <summary>The size of the tensor's data in bytes.</summary>
    public static long ByteCount(torch.Tensor tensor) => tensor.numel() * tensor.ElementSize;

    private static DataFn BindData()
    {
        // TorchSharp has loaded its native library by the time a tensor exists; this returns the same handle.
        var library = NativeLibrary.Load("LibTorchSharp", typeof(torch).Assembly, null);
        return Marshal.GetDelegateForFunctionPointer<DataFn>(NativeLibrary.GetExport(library, "THSTensor_data"));
    }
}
