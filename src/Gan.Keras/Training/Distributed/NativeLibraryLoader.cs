using System.Runtime.InteropServices;

namespace Gan.Keras.Training.Distributed;

/// <summary>
/// Opens a native library by trying candidate names in order, and binds its functions as delegates. On Linux the
/// library is opened with <c>RTLD_GLOBAL</c> (as mpi4py opens libmpi), so plug-ins it loads later (Open MPI's MCA
/// components) resolve its symbols.
/// </summary>
internal static class NativeLibraryLoader
{
    private const int RtldNow = 0x2;
    private const int RtldGlobal = 0x100;

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate IntPtr DlOpen([MarshalAs(UnmanagedType.LPUTF8Str)] string file, int mode);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate IntPtr DlError();

    /// <summary>Opens the first candidate that loads; returns false with every attempt's error otherwise.</summary>
    /// <param name="candidates">File names or paths, tried in order.</param>
    /// <param name="handle">The library handle, for <see cref="Bind{T}"/>.</param>
    /// <param name="loadedName">The candidate that loaded.</param>
    /// <param name="errors">One line per failed candidate (the loader's own message).</param>
    public static bool TryOpen(IEnumerable<string> candidates, out IntPtr handle, out string loadedName, out IReadOnlyList<string> errors)
    {
        var failures = new List<string>();
        foreach (var name in candidates)
        {
            if (TryOpenOne(name, out handle, out string error))
            {
                loadedName = name;
                errors = failures;
                return true;
            }
            failures.Add($"{name}: {error}");
        }
        handle = IntPtr.Zero;
        loadedName = string.Empty;
        errors = failures;
        return false;
    }

    /// <summary>Returns whether <paramref name="handle"/> exports <paramref name="symbol"/>.</summary>
    public static bool Has(IntPtr handle, string symbol) => NativeLibrary.TryGetExport(handle, symbol, out _);

    /// <summary>The address of an exported symbol (a function or a global such as <c>ompi_mpi_comm_world</c>).</summary>
    /// <exception cref="DistributedException">The library does not export it.</exception>
    public static IntPtr Address(IntPtr handle, string library, string symbol) =>
        NativeLibrary.TryGetExport(handle, symbol, out var address)
            ? address
            : throw new DistributedException($"'{library}' does not export '{symbol}': it is not the library (or the version) Gan.Keras binds.");

    /// <summary>Binds an exported function as a delegate of type <typeparamref name="T"/>.</summary>
    public static T Bind<T>(IntPtr handle, string library, string symbol) where T : Delegate =>
        Marshal.GetDelegateForFunctionPointer<T>(Address(handle, library, symbol));

    private static bool TryOpenOne(string name, out IntPtr handle, out string error)
    {
        error = string.Empty;
        if (OperatingSystem.IsLinux() && LibcDlOpen() is { } dlopen)
        {
            handle = dlopen.Open(name, RtldNow | RtldGlobal);
            if (handle != IntPtr.Zero) return true;
            var message = dlopen.Error();
            error = message == IntPtr.Zero ? "dlopen failed" : Marshal.PtrToStringUTF8(message) ?? "dlopen failed";
            return false;
        }
        try
        {
            handle = NativeLibrary.Load(name);
            return true;
        }
        catch (DllNotFoundException ex)
        {
            handle = IntPtr.Zero;
            error = ex.Message;
            return false;
        }
        catch (BadImageFormatException ex)
        {
            handle = IntPtr.Zero;
            error = ex.Message;
            return false;
        }
    }

    private static (DlOpen Open, DlError Error)? libcDlOpen;

    /// <summary>dlopen/dlerror from glibc (in libc.so.6 since glibc 2.34, in libdl.so.2 before).</summary>
    private static (DlOpen Open, DlError Error)? LibcDlOpen()
    {
        if (libcDlOpen is not null) return libcDlOpen;
        foreach (var libc in new[] { "libc.so.6", "libdl.so.2" })
        {
            if (!NativeLibrary.TryLoad(libc, out var handle)) continue;
            if (NativeLibrary.TryGetExport(handle, "dlopen", out var open) && NativeLibrary.TryGetExport(handle, "dlerror", out var error))
                return libcDlOpen = (Marshal.GetDelegateForFunctionPointer<DlOpen>(open), Marshal.GetDelegateForFunctionPointer<DlError>(error));
        }
        return null;
    }
}
