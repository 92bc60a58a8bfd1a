using System.Runtime.InteropServices;
using System.Text;

namespace Gan.Keras.Training.Distributed;

/// <summary>
/// A thin binding of the few Open MPI calls data-parallel training needs (<c>mpi.h</c>): initialise and finalise,
/// rank and size, allreduce, broadcast, barrier, abort. Bound at run time from <c>libmpi.so.40</c>, so Gan.Keras
/// builds and runs without MPI installed; only <see cref="Load"/> fails, with a clear message.
/// </summary>
/// <remarks>
/// Open MPI's handles (<c>MPI_Comm</c>, <c>MPI_Datatype</c>, <c>MPI_Op</c>, <c>MPI_Errhandler</c>) are pointers to
/// global objects the library exports (<c>MPI_COMM_WORLD</c> is <c>&amp;ompi_mpi_comm_world</c>, <c>MPI_FLOAT</c> is
/// <c>&amp;ompi_mpi_float</c>, <c>MPI_SUM</c> is <c>&amp;ompi_mpi_op_sum</c>), so their addresses are the handles.
/// MPICH and its derivatives use integer handles instead (a different ABI): they are refused by name.
/// </remarks>
internal sealed class MpiLibrary
{
    /// <summary>The environment variable that names the libmpi to load (a path), before the default names.</summary>
    public const string LibraryVariable = "GAN_KERAS_MPI_LIBRARY";

    public const int Success = 0;
    public const int ThreadSerialized = 2;
    private const int MaxErrorString = 256; // OPAL_MAX_ERROR_STRING
    private const int MaxLibraryVersionString = 8192; // 256 in Open MPI 4 and 5; generous, in case.

    private static readonly string[] LinuxNames = { "libmpi.so.40", "libmpi.so" };
    private static readonly string[] MacNames = { "libmpi.40.dylib", "libmpi.dylib" };
    private static readonly object Gate = new();
    private static MpiLibrary? loaded;

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    public delegate int FlagFn(out int flag);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    public delegate int InitThreadFn(IntPtr argc, IntPtr argv, int required, out int provided);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    public delegate int VoidFn();

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    public delegate int CommIntFn(IntPtr comm, out int value);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    public delegate int AllreduceFn(IntPtr sendBuffer, IntPtr receiveBuffer, int count, IntPtr datatype, IntPtr op, IntPtr comm);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    public delegate int BcastFn(IntPtr buffer, int count, IntPtr datatype, int root, IntPtr comm);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    public delegate int CommFn(IntPtr comm);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    public delegate int AbortFn(IntPtr comm, int errorCode);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    public delegate int SetErrhandlerFn(IntPtr comm, IntPtr errhandler);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    public delegate int StringFn([Out] byte[] text, out int length);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    public delegate int ErrorStringFn(int code, [Out] byte[] text, out int length);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    public delegate double WtimeFn();

    private MpiLibrary(IntPtr handle, string name)
    {
        Name = name;
        Initialized = NativeLibraryLoader.Bind<FlagFn>(handle, name, "MPI_Initialized");
        Finalized = NativeLibraryLoader.Bind<FlagFn>(handle, name, "MPI_Finalized");
        InitThread = NativeLibraryLoader.Bind<InitThreadFn>(handle, name, "MPI_Init_thread");
        FinalizeMpi = NativeLibraryLoader.Bind<VoidFn>(handle, name, "MPI_Finalize");
        CommRank = NativeLibraryLoader.Bind<CommIntFn>(handle, name, "MPI_Comm_rank");
        CommSize = NativeLibraryLoader.Bind<CommIntFn>(handle, name, "MPI_Comm_size");
        Allreduce = NativeLibraryLoader.Bind<AllreduceFn>(handle, name, "MPI_Allreduce");
        Bcast = NativeLibraryLoader.Bind<BcastFn>(handle, name, "MPI_Bcast");
        Barrier = NativeLibraryLoader.Bind<CommFn>(handle, name, "MPI_Barrier");
        Abort = NativeLibraryLoader.Bind<AbortFn>(handle, name, "MPI_Abort");
        CommSetErrhandler = NativeLibraryLoader.Bind<SetErrhandlerFn>(handle, name, "MPI_Comm_set_errhandler");
        ErrorString = NativeLibraryLoader.Bind<ErrorStringFn>(handle, name, "MPI_Error_string");
        GetLibraryVersion = NativeLibraryLoader.Bind<StringFn>(handle, name, "MPI_Get_library_version");
        Wtime = NativeLibraryLoader.Bind<WtimeFn>(handle, name, "MPI_Wtime");
        CommWorld = NativeLibraryLoader.Address(handle, name, "ompi_mpi_comm_world");
        Float = NativeLibraryLoader.Address(handle, name, "ompi_mpi_float");
        Double = NativeLibraryLoader.Address(handle, name, "ompi_mpi_double");
        Byte = NativeLibraryLoader.Address(handle, name, "ompi_mpi_byte");
        Int = NativeLibraryLoader.Address(handle, name, "ompi_mpi_int");
        Sum = NativeLibraryLoader.Address(handle, name, "ompi_mpi_op_sum");
        Max = NativeLibraryLoader.Address(handle, name, "ompi_mpi_op_max");
        ErrorsReturn = NativeLibraryLoader.Address(handle, name, "ompi_mpi_errors_return");
    }

    /// <summary>Gets the library file that was loaded.</summary>
    public string Name { get; }

    public FlagFn Initialized { get; }

    public FlagFn Finalized { get; }

    public InitThreadFn InitThread { get; }

    public VoidFn FinalizeMpi { get; }

    public CommIntFn CommRank { get; }

    public CommIntFn CommSize { get; }

    public AllreduceFn Allreduce { get; }

    public BcastFn Bcast { get; }

    public CommFn Barrier { get; }

    public AbortFn Abort { get; }

    public SetErrhandlerFn CommSetErrhandler { get; }

    public ErrorStringFn ErrorString { get; }

    public StringFn GetLibraryVersion { get; }

    public WtimeFn Wtime { get; }

    /// <summary>Gets <c>MPI_COMM_WORLD</c>.</summary>
    public IntPtr CommWorld { get; }

    /// <summary>Gets <c>MPI_FLOAT</c>.</summary>
    public IntPtr Float { get; }

    /// <summary>Gets <c>MPI_DOUBLE</c>.</summary>
    public IntPtr Double { get; }

    /// <summary>Gets <c>MPI_BYTE</c>.</summary>
    public IntPtr Byte { get; }

    /// <summary>Gets <c>MPI_INT</c>.</summary>
    public IntPtr Int { get; }

    /// <summary>Gets <c>MPI_SUM</c>.</summary>
    public IntPtr Sum { get; }

    /// <summary>Gets <c>MPI_MAX</c>.</summary>
    public IntPtr Max { get; }

    /// <summary>Gets <c>MPI_ERRORS_RETURN</c>.</summary>
    public IntPtr ErrorsReturn { get; }

    /// <summary>Loads libmpi once per process: the path in <see cref="LibraryVariable"/> if set, else <c>libmpi.so.40</c>, <c>libmpi.so</c>.</summary>
    /// <exception cref="DistributedException">No Open MPI library could be loaded, or the one found is not Open MPI.</exception>
    public static MpiLibrary Load()
    {
        lock (Gate)
        {
            if (loaded is not null) return loaded;
            var candidates = Environment.GetEnvironmentVariable(LibraryVariable) is { Length: > 0 } custom
                ? new[] { custom }
                : OperatingSystem.IsMacOS() ? MacNames : LinuxNames;
            return loaded = Open(candidates);
        }
    }

    /// <summary>Opens the first of <paramref name="candidates"/> that loads and binds it (not cached; <see cref="Load"/> caches).</summary>
    /// <exception cref="DistributedException">None loads, or the one found is not Open MPI.</exception>
    public static MpiLibrary Open(IReadOnlyList<string> candidates)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        if (!NativeLibraryLoader.TryOpen(candidates, out var handle, out string name, out var errors))
            throw new DistributedException(
                $"MPI is not available: could not load Open MPI's libmpi ({string.Join("; ", errors)}). " +
                $"Install Open MPI (Debian/Ubuntu: apt-get install -y openmpi-bin libopenmpi-dev), or set {LibraryVariable} to the path of libmpi.so.");
        if (!NativeLibraryLoader.Has(handle, "ompi_mpi_comm_world"))
            throw new DistributedException(
                $"'{name}' is not Open MPI (it does not export ompi_mpi_comm_world; MPICH and Intel MPI use another ABI). " +
                $"Gan.Keras binds Open MPI: install openmpi-bin and libopenmpi-dev, launch with Open MPI's mpirun, or set {LibraryVariable} to Open MPI's libmpi.so.");
        return new MpiLibrary(handle, name);
    }

    /// <summary>Throws a <see cref="DistributedException"/> naming the call and MPI's own message when <paramref name="code"/> is not <c>MPI_SUCCESS</c>.</summary>
    public void Check(int code, string call)
    {
        if (code == Success) return;
        var text = new byte[MaxErrorString + 1];
        string message = ErrorString(code, text, out int length) == Success ? Encoding.ASCII.GetString(text, 0, Math.Clamp(length, 0, MaxErrorString)) : "unknown error";
        throw new DistributedException($"{call} failed with MPI error {code}: {message}.");
    }

    /// <summary>Gets the library's version string (<c>Open MPI v4.1.4, ...</c>).</summary>
    public string LibraryVersion()
    {
        var text = new byte[MaxLibraryVersionString];
        if (GetLibraryVersion(text, out int length) != Success) return Name;
        return Encoding.ASCII.GetString(text, 0, Math.Clamp(length, 0, text.Length)).Trim('\0', ' ', '\n');
    }
}
