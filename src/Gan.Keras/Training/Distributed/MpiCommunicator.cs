using System.Globalization;
using System.Runtime.InteropServices;
using Gan.Keras.Internal;
using TorchSharp;

namespace Gan.Keras.Training.Distributed;

/// <summary>
/// The ranks started by Open MPI's <c>mpirun</c> (<c>MPI_COMM_WORLD</c>), with collectives over MPI: shared memory
/// between processes of one machine, TCP or InfiniBand between machines, as MPI chooses.
/// </summary>
/// <remarks>
/// MPI is initialised once per process, by <see cref="Initialize"/>, and finalised when the communicator is disposed;
/// it cannot be initialised again afterwards (an MPI rule). CUDA tensors are staged through host memory; use
/// <see cref="NcclCommunicator"/> to reduce them on the device. Errors are returned to Gan.Keras
/// (<c>MPI_ERRORS_RETURN</c>) and thrown as <see cref="DistributedException"/>s.
/// </remarks>
public sealed class MpiCommunicator : Communicator
{
    private static readonly IntPtr InPlace = 1; // MPI_IN_PLACE is ((void *) 1) in Open MPI's mpi.h
    private static readonly object Gate = new();
    private static MpiCommunicator? current;
    private static bool finalized;

    private readonly MpiLibrary mpi;
    private bool disposed;

    private MpiCommunicator(MpiLibrary mpi, int rank, int size)
    {
        this.mpi = mpi;
        Rank = rank;
        Size = size;
        LibraryVersion = mpi.LibraryVersion();
    }

    /// <inheritdoc />
    public override int Rank { get; }

    /// <inheritdoc />
    public override int Size { get; }

    /// <inheritdoc />
    public override string Backend => "mpi";

    /// <summary>Gets the MPI library's version string (<c>Open MPI v4.1.4, ...</c>).</summary>
    public string LibraryVersion { get; }

    /// <summary>
    /// Gets this process's rank among the ranks on its own machine (Open MPI's <c>OMPI_COMM_WORLD_LOCAL_RANK</c>), which
    /// picks its GPU; 0 when the launcher does not say.
    /// </summary>
    public static int LocalRank =>
        int.TryParse(Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_LOCAL_RANK") ?? Environment.GetEnvironmentVariable("MPI_LOCALRANKID"), NumberStyles.None, CultureInfo.InvariantCulture, out int rank) ? rank : 0;

    /// <summary>
    /// Gets a value indicating whether this process was started by an MPI launcher (<c>mpirun</c>, <c>mpiexec</c>,
    /// <c>srun</c> with PMIx): Open MPI sets <c>OMPI_COMM_WORLD_SIZE</c>, PMIx launchers <c>PMIX_RANK</c>.
    /// </summary>
    public static bool LaunchedByMpirun =>
        Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_SIZE") is { Length: > 0 } || Environment.GetEnvironmentVariable("PMIX_RANK") is { Length: > 0 };

    /// <summary>
    /// Initialises MPI (<c>MPI_Init_thread</c>) and returns the world communicator; returns the same communicator when
    /// called again before it is disposed.
    /// </summary>
    /// <exception cref="DistributedException">Open MPI is not installed, cannot be initialised, or was already finalised in this process.</exception>
    public static MpiCommunicator Initialize()
    {
        lock (Gate)
        {
            if (current is { disposed: false }) return current;
            if (finalized)
                throw new DistributedException("MPI was already finalised in this process (its MpiCommunicator was disposed), and MPI cannot be initialised twice. Keep one MpiCommunicator for the whole process.");
            var mpi = MpiLibrary.Load();
            mpi.Check(mpi.Initialized(out int initialized), "MPI_Initialized");
            if (initialized == 0)
                mpi.Check(mpi.InitThread(IntPtr.Zero, IntPtr.Zero, MpiLibrary.ThreadSerialized, out _), "MPI_Init_thread");
            mpi.Check(mpi.CommSetErrhandler(mpi.CommWorld, mpi.ErrorsReturn), "MPI_Comm_set_errhandler");
            mpi.Check(mpi.CommRank(mpi.CommWorld, out int rank), "MPI_Comm_rank");
            mpi.Check(mpi.CommSize(mpi.CommWorld, out int size), "MPI_Comm_size");
            return current = new MpiCommunicator(mpi, rank, size);
        }
    }

    /// <inheritdoc />
    public override void AllReduceSum(torch.Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        CheckOpen();
        var datatype = FloatType(tensor);
        if (Size == 1 || tensor.numel() == 0) return;
        if (tensor.device.type != DeviceType.CPU)
        {
            // MPI reads host memory: stage a device tensor through a host copy (NcclCommunicator reduces on the device).
            using var host = tensor.to(torch.CPU, copy: true);
            AllReduceSum(host);
            tensor.copy_(host);
            return;
        }
        ForChunks(TensorMemory.Address(tensor), tensor.numel(), tensor.ElementSize, (address, count) =>
            mpi.Check(mpi.Allreduce(InPlace, address, count, datatype, mpi.Sum, mpi.CommWorld), "MPI_Allreduce"));
    }

    /// <inheritdoc />
    public override void Broadcast(torch.Tensor tensor, int root = 0)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        CheckOpen();
        CheckRoot(root);
        if (Size == 1 || tensor.numel() == 0) return;
        if (tensor.device.type != DeviceType.CPU || !tensor.is_contiguous())
        {
            using var host = tensor.to(torch.CPU, copy: true).contiguous();
            Broadcast(host, root);
            tensor.copy_(host);
            return;
        }
        // Any dtype: broadcast the bytes.
        ForChunks(TensorMemory.Address(tensor), TensorMemory.ByteCount(tensor), 1, (address, count) =>
            mpi.Check(mpi.Bcast(address, count, mpi.Byte, root, mpi.CommWorld), "MPI_Bcast"));
    }

    /// <inheritdoc />
    public override double[] AllReduceSum(double[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        CheckOpen();
        var result = (double[])values.Clone();
        if (Size == 1 || result.Length == 0) return result;
        WithPinned(result, address => mpi.Check(mpi.Allreduce(InPlace, address, result.Length, mpi.Double, mpi.Sum, mpi.CommWorld), "MPI_Allreduce"));
        return result;
    }

    /// <inheritdoc />
    public override byte[] Broadcast(byte[] bytes, int root = 0)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        CheckOpen();
        CheckRoot(root);
        var result = (byte[])bytes.Clone();
        if (Size == 1 || result.Length == 0) return result;
        WithPinned(result, address => ForChunks(address, result.Length, 1, (chunk, count) =>
            mpi.Check(mpi.Bcast(chunk, count, mpi.Byte, root, mpi.CommWorld), "MPI_Bcast")));
        return result;
    }

    /// <inheritdoc />
    public override bool Any(bool flag)
    {
        CheckOpen();
        if (Size == 1) return flag;
        var value = new[] { flag ? 1 : 0 };
        WithPinned(value, address => mpi.Check(mpi.Allreduce(InPlace, address, 1, mpi.Int, mpi.Max, mpi.CommWorld), "MPI_Allreduce"));
        return value[0] != 0;
    }

    /// <inheritdoc />
    public override void Barrier()
    {
        CheckOpen();
        mpi.Check(mpi.Barrier(mpi.CommWorld), "MPI_Barrier");
    }

    /// <inheritdoc />
    public override void Abort(int exitCode)
    {
        Console.Out.Flush();
        Console.Error.Flush();
        if (!disposed) mpi.Abort(mpi.CommWorld, exitCode);
        Environment.Exit(exitCode); // MPI_Abort does not return; this is for a communicator already finalised.
    }

    /// <summary>Gets the seconds since an arbitrary moment in the past (<c>MPI_Wtime</c>).</summary>
    public double WallTime() => mpi.Wtime();

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        lock (Gate)
        {
            if (disposed) return;
            disposed = true;
            finalized = true;
            mpi.Check(mpi.Finalized(out int done), "MPI_Finalized");
            if (done == 0) mpi.Check(mpi.FinalizeMpi(), "MPI_Finalize");
        }
        base.Dispose(disposing);
    }

    private IntPtr FloatType(torch.Tensor tensor) => tensor.dtype switch
    {
        torch.ScalarType.Float32 => mpi.Float,
        torch.ScalarType.Float64 => mpi.Double,
        _ => throw new ArgumentException($"MPI allreduce sums float32 or float64 tensors, but this one is {tensor.dtype}. Train in float32 or float64 (NCCL also reduces float16 and bfloat16 on CUDA devices).", nameof(tensor)),
    };

    private void CheckOpen() => ObjectDisposedException.ThrowIf(disposed, this);

    /// <summary>Calls <paramref name="call"/> on pieces of at most <c>int.MaxValue</c> elements (MPI counts are ints).</summary>
    private static void ForChunks(IntPtr address, long elements, long elementSize, Action<IntPtr, int> call)
    {
        for (long offset = 0; offset < elements; offset += int.MaxValue)
        {
            int count = (int)Math.Min(int.MaxValue, elements - offset);
            call(address + (nint)(offset * elementSize), count);
        }
    }

    private static void WithPinned(Array array, Action<IntPtr> call)
    {
        var handle = GCHandle.Alloc(array, GCHandleType.Pinned);
        try
        {
            call(handle.AddrOfPinnedObject());
        }
        finally
        {
            handle.Free();
        }
    }
}
