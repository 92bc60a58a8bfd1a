using System.Runtime.InteropServices;
using TorchSharp;

namespace Gan.Keras.Internal;

/// <summary>
/// Makes sure libtorch's CPU convolution kernels compute correct values on this machine before the first convolution,
/// and turns libtorch's oneDNN (MKL-DNN) backend off where they do not.
/// </summary>
/// <remarks>
/// <para>On some machines libtorch 2.10's float32 oneDNN kernels return wrong values — not rounding: garbage that changes
/// from run to run, even NaN — for the data gradient of a convolution (so every generator gradient that flows through a
/// discriminator's first Conv2D) and for a stride-1 transposed convolution. Measured on a 2-core AMD EPYC VM with AVX-512
/// (Debian 12): a 1→4-channel 4×4 stride-2 convolution's input gradient off by 6.8–13.6 against float64, a 5×5 stride-1
/// transposed convolution off by 8.9–437; with oneDNN off both agree with float64 to 1e-5, as do every other kernel.
/// This broke the DCGAN parity traces and a Conv2DTranspose test on that machine.</para>
/// <para>The check runs both cases once per process, in float32 and float64 (a few milliseconds); only where they disagree
/// does it turn oneDNN off (libtorch's <c>at::globalContext().setUserEnabledMkldnn(false)</c>, as PyTorch's
/// <c>torch.backends.mkldnn.enabled = False</c>; TorchSharp does not expose it) and say so once. Convolutions then use
/// libtorch's own kernels: exact, and slower.</para>
/// </remarks>
internal static class ConvolutionKernels
{
    private const double Tolerance = 1e-3;
    private static readonly Lazy<string?> Outcome = new(CheckAndRepair);

    /// <summary>Gets what the check found and did, or null when the kernels were correct (or the device is not the CPU).</summary>
    public static string? Finding => Outcome.Value;

    /// <summary>Runs the check once per process, before the first CPU convolution.</summary>
    public static void EnsureCorrect(torch.Tensor input)
    {
        if (input.device_type == DeviceType.CPU) _ = Outcome.Value;
    }

    /// <summary>The largest float32-versus-float64 disagreement over the two cases that fail on affected machines.</summary>
    internal static double MeasureError()
    {
        using var scope = torch.NewDisposeScope();
        using var grad = torch.enable_grad();
        using var generator = new torch.Generator(7, torch.CPU);
        var images = torch.randn(new long[] { 8, 1, 28, 28 }, generator: generator);
        var kernel = torch.randn(new long[] { 4, 1, 4, 4 }, generator: generator);
        var upstream = torch.randn(new long[] { 8, 4, 14, 14 }, generator: generator);
        var maps = torch.randn(new long[] { 2, 5, 7, 7 }, generator: generator);
        var transposeKernel = torch.randn(new long[] { 5, 3, 5, 5 }, generator: generator);
        double error = 0;
        for (int repeat = 0; repeat < 2; repeat++)
        {
            error = Math.Max(error, (DataGradient(torch.float32) - DataGradient(torch.float64)).abs().max().item<double>());
            error = Math.Max(error, (Transposed(torch.float32) - Transposed(torch.float64)).abs().max().item<double>());
        }
        return error;

        torch.Tensor DataGradient(torch.ScalarType type)
        {
            var x = images.to(type).requires_grad_(true);
            var y = torch.nn.functional.conv2d(x, kernel.to(type), null, new long[] { 2, 2 }, new long[] { 1, 1 });
            return torch.autograd.grad(new[] { (y * upstream.to(type)).sum() }, new[] { x })[0].to(torch.float64);
        }

        torch.Tensor Transposed(torch.ScalarType type) =>
            torch.nn.functional.conv_transpose2d(maps.to(type), transposeKernel.to(type), null, new long[] { 1, 1 }).to(torch.float64);
    }

    private static string? CheckAndRepair()
    {
        double error = MeasureError();
        if (!double.IsNaN(error) && error < Tolerance) return null;
        string finding = $"libtorch's oneDNN convolution kernels give wrong values on this CPU (off by {error:G3} against float64)";
        if (!TrySetOneDnn(false))
        {
            Warnings.Emit($"{finding}, and oneDNN could not be turned off here: convolution gradients on the CPU may be wrong. Train on another machine or a GPU.");
            return finding + "; oneDNN could not be turned off";
        }
        double after = MeasureError();
        finding += $"; Gan.Keras turned oneDNN off (libtorch's own kernels: exact, slower; now off by {after:G3})";
        Warnings.Emit(finding + ".");
        return finding;
    }

    private delegate IntPtr GlobalContextFunction();

    private delegate void SetEnabledFunction(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

    /// <summary>Calls <c>at::globalContext().setUserEnabledMkldnn(enabled)</c> in the loaded libtorch_cpu (Linux); false when it cannot.</summary>
    internal static bool TrySetOneDnn(bool enabled)
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            string? path = File.ReadLines("/proc/self/maps").Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Where(f => f.Length >= 6)
                .Select(f => f[^1]).FirstOrDefault(p => Path.GetFileName(p) == "libtorch_cpu.so");
            if (path is null || !NativeLibrary.TryLoad(path, out var library)) return false;
            if (!NativeLibrary.TryGetExport(library, "_ZN2at13globalContextEv", out var contextExport) ||
                !NativeLibrary.TryGetExport(library, "_ZN2at7Context20setUserEnabledMkldnnEb", out var setExport))
                return false;
            var context = Marshal.GetDelegateForFunctionPointer<GlobalContextFunction>(contextExport)();
            Marshal.GetDelegateForFunctionPointer<SetEnabledFunction>(setExport)(context, enabled);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }
}
