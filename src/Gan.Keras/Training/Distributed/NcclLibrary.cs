using System.Runtime.InteropServices;

namespace Gan.Keras.Training.Distributed;

/// <summary>
/// A thin binding of the NCCL calls data-parallel training needs (<c>nccl.h</c>): get a unique id, create a
/// communicator for one rank, allreduce, broadcast, destroy and abort; and of the one CUDA runtime call NCCL needs
/// before it, <c>cudaSetDevice</c>. Bound at run time from <c>libnccl.so.2</c> and <c>libcudart</c>, so Gan.Keras
/// builds and runs without them; only <see cref="Load"/> fails, with a clear message.
/// </summary>
/// <remarks>
/// From <c>nccl.h</c> (NCCL 2.x): <c>ncclUniqueId</c> is a 128-byte struct passed by value to
/// <c>ncclCommInitRank</c>; <c>ncclComm_t</c> is a pointer; <c>ncclResult_t</c>, <c>ncclDataType_t</c> and
/// <c>ncclRedOp_t</c> are C enums (ints); counts are <c>size_t</c>; <c>cudaStream_t</c> is a pointer, and 0 is the
/// legacy default stream, the one libtorch computes on unless told otherwise, so a collective queued there is ordered
/// after the kernels that produced its input and before those that read its output.
/// </remarks>
internal sealed class NcclLibrary
{
    /// <summary>The environment variable that names the libnccl to load (a path), before the default names.</summary>
    public const string LibraryVariable = "GAN_KERAS_NCCL_LIBRARY";

    public const int Success = 0;
    public const int UniqueIdBytes = 128;

    // ncclDataType_t
    public const int Uint8 = 1;
    public const int Float16 = 6;
    public const int Float32 = 7;
    public const int Float64 = 8;
    public const int Bfloat16 = 9;

    // ncclRedOp_t
    public const int Sum = 0;

    private static readonly string[] NcclNames = { "libnccl.so.2", "libnccl.so" };
    private static readonly string[] CudartNames = { "libcudart.so.12", "libcudart.so.13", "libcudart.so.11.0", "libcudart.so" };
    private static readonly object Gate = new();
    private static NcclLibrary? loaded;

    /// <summary><c>ncclUniqueId</c>: 128 opaque bytes, as 16 blittable 8-byte fields so that it passes by value.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct UniqueId
    {
#pragma warning disable CS0169, IDE0051, CA1823 // Opaque storage: NCCL reads it, C# never does.
        private ulong b0, b1, b2, b3, b4, b5, b6, b7, b8, b9, b10, b11, b12, b13, b14, b15;
#pragma warning restore CS0169, IDE0051, CA1823

        public static UniqueId FromBytes(byte[] bytes) => MemoryMarshal.Read<UniqueId>(bytes);
    }

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    public delegate int GetVersionFn(out int version);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    public delegate int GetUniqueIdFn([Out] byte[] uniqueId);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    public delegate int CommInitRankFn(out IntPtr comm, int nranks, UniqueId commId, int rank);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    public delegate int AllReduceFn(IntPtr sendBuffer, IntPtr receiveBuffer, nuint count, int datatype, int op, IntPtr comm, IntPtr stream);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    public delegate int BroadcastFn(IntPtr sendBuffer, IntPtr receiveBuffer, nuint count, int datatype, int root, IntPtr comm, IntPtr stream);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    public delegate int CommFn(IntPtr comm);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    public delegate IntPtr ErrorStringFn(int result);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    public delegate IntPtr LastErrorFn(IntPtr comm);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    public delegate int CudaIntFn(int value);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    public delegate IntPtr CudaErrorStringFn(int error);

    private NcclLibrary(IntPtr nccl, string name, IntPtr cudart, string cudartName)
    {
        Name = name;
        GetVersion = NativeLibraryLoader.Bind<GetVersionFn>(nccl, name, "ncclGetVersion");
        GetUniqueId = NativeLibraryLoader.Bind<GetUniqueIdFn>(nccl, name, "ncclGetUniqueId");
        CommInitRank = NativeLibraryLoader.Bind<CommInitRankFn>(nccl, name, "ncclCommInitRank");
        AllReduce = NativeLibraryLoader.Bind<AllReduceFn>(nccl, name, "ncclAllReduce");
        Broadcast = NativeLibraryLoader.Bind<BroadcastFn>(nccl, name, "ncclBroadcast");
        CommDestroy = NativeLibraryLoader.Bind<CommFn>(nccl, name, "ncclCommDestroy");
        CommAbort = NativeLibraryLoader.Bind<CommFn>(nccl, name, "ncclCommAbort");
        ErrorString = NativeLibraryLoader.Bind<ErrorStringFn>(nccl, name, "ncclGetErrorString");
        // ncclGetLastError exists from NCCL 2.13 on.
        LastError = NativeLibraryLoader.Has(nccl, "ncclGetLastError") ? NativeLibraryLoader.Bind<LastErrorFn>(nccl, name, "ncclGetLastError") : null;
        CudaSetDevice = NativeLibraryLoader.Bind<CudaIntFn>(cudart, cudartName, "cudaSetDevice");
        CudaErrorString = NativeLibraryLoader.Bind<CudaErrorStringFn>(cudart, cudartName, "cudaGetErrorString");
        GetVersion(out int version);
        Version = version;
    }

    /// <summary>Gets the NCCL library file that was loaded.</summary>
    public string Name { get; }

    /// <summary>Gets <c>NCCL_VERSION_CODE</c> of the loaded library (e.g. 22105 for 2.21.5).</summary>
    public int Version { get; }

    public GetVersionFn GetVersion { get; }

    public GetUniqueIdFn GetUniqueId { get; }

    public CommInitRankFn CommInitRank { get; }

    public AllReduceFn AllReduce { get; }

    public BroadcastFn Broadcast { get; }

    public CommFn CommDestroy { get; }

    public CommFn CommAbort { get; }

    public ErrorStringFn ErrorString { get; }

    public LastErrorFn? LastError { get; }

    public CudaIntFn CudaSetDevice { get; }

    public CudaErrorStringFn CudaErrorString { get; }

    /// <summary>
    /// Loads NCCL once per process (the path in <see cref="LibraryVariable"/> if set, else <c>libnccl.so.2</c>,
    /// <c>libnccl.so</c>) and the CUDA runtime libtorch uses.
    /// </summary>
    /// <exception cref="DistributedException">NCCL or the CUDA runtime could not be loaded.</exception>
    public static NcclLibrary Load()
    {
        lock (Gate)
        {
            if (loaded is not null) return loaded;
            var candidates = Environment.GetEnvironmentVariable(LibraryVariable) is { Length: > 0 } custom ? new[] { custom } : NcclNames;
            return loaded = Open(candidates);
        }
    }

    /// <summary>Opens the first of <paramref name="candidates"/> that loads, and the CUDA runtime, and binds them (not cached; <see cref="Load"/> caches).</summary>
    /// <exception cref="DistributedException">NCCL or the CUDA runtime could not be loaded.</exception>
    public static NcclLibrary Open(IReadOnlyList<string> candidates)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        if (!NativeLibraryLoader.TryOpen(candidates, out var nccl, out string name, out var errors))
            throw new DistributedException(
                $"NCCL is not available: could not load libnccl ({string.Join("; ", errors)}). It ships with CUDA installs " +
                "(NVIDIA's apt repository: apt-get install libnccl2) and with PyTorch's wheels (pip install nvidia-nccl-cu12, then point " +
                $"{LibraryVariable} at .../site-packages/nvidia/nccl/lib/libnccl.so.2). Or train on a CPU device, where MPI reduces the gradients.");
        // libtorch's CUDA build has loaded its CUDA runtime already; opening it by name returns that copy.
        if (!NativeLibraryLoader.TryOpen(CudartNames, out var cudart, out string cudartName, out var cudartErrors))
            throw new DistributedException(
                $"NCCL needs the CUDA runtime, but libcudart could not be loaded ({string.Join("; ", cudartErrors)}). Use libtorch's CUDA build (TorchSharp-cuda-linux, or PyTorch's torch/lib on LD_LIBRARY_PATH).");
        return new NcclLibrary(nccl, name, cudart, cudartName);
    }

    /// <summary>Throws a <see cref="DistributedException"/> naming the call and NCCL's messages when <paramref name="result"/> is not <c>ncclSuccess</c>.</summary>
    public void Check(int result, string call, IntPtr comm = default)
    {
        if (result == Success) return;
        string message = Marshal.PtrToStringUTF8(ErrorString(result)) ?? "unknown error";
        string detail = LastError is not null && Marshal.PtrToStringUTF8(LastError(comm)) is { Length: > 0 } last ? $" ({last.Trim()})" : string.Empty;
        throw new DistributedException($"{call} failed with NCCL error {result}: {message}{detail}. Set NCCL_DEBUG=INFO for NCCL's own log.");
    }

    /// <summary>Throws a <see cref="DistributedException"/> when a CUDA runtime call failed.</summary>
    public void CheckCuda(int error, string call)
    {
        if (error == 0) return;
        throw new DistributedException($"{call} failed with CUDA error {error}: {Marshal.PtrToStringUTF8(CudaErrorString(error)) ?? "unknown error"}.");
    }
}
