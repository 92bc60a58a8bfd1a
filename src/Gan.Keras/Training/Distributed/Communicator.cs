using TorchSharp;

namespace Gan.Keras.Training.Distributed;

/// <summary>
/// The processes of one data-parallel run and the collective operations between them: every process (rank) calls
/// the same operations in the same order. <see cref="MpiCommunicator"/> runs them over MPI (CPU tensors, any
/// network MPI reaches); <see cref="NcclCommunicator"/> runs tensor collectives on CUDA devices with NCCL.
/// </summary>
/// <remarks>
/// Tensor operations work in place on contiguous tensors. Host operations (<see cref="AllReduceSum(double[])"/>,
/// <see cref="Any"/>, <see cref="Broadcast(byte[], int)"/>) carry small control values (stop flags, epoch means,
/// random-generator states) without touching a device.
/// </remarks>
public abstract class Communicator : IDisposable
{
    /// <summary>Gets this process's rank, 0 to <see cref="Size"/> − 1.</summary>
    public abstract int Rank { get; }

    /// <summary>Gets the number of processes.</summary>
    public abstract int Size { get; }

    /// <summary>Gets a value indicating whether this is rank 0, the one that writes checkpoints, pictures and logs.</summary>
    public bool IsPrimary => Rank == 0;

    /// <summary>Gets the name of the library that carries tensor collectives (<c>mpi</c>, <c>nccl</c>).</summary>
    public abstract string Backend { get; }

    /// <summary>Replaces <paramref name="tensor"/>, on every rank, with the element-wise sum of all ranks' tensors.</summary>
    /// <param name="tensor">A contiguous float32 or float64 tensor of the same shape on every rank.</param>
    public abstract void AllReduceSum(torch.Tensor tensor);

    /// <summary>Replaces <paramref name="tensor"/> on every rank with rank <paramref name="root"/>'s values.</summary>
    /// <param name="tensor">A contiguous tensor of any dtype, the same shape on every rank.</param>
    /// <param name="root">The rank whose values are kept.</param>
    public abstract void Broadcast(torch.Tensor tensor, int root = 0);

    /// <summary>Returns the element-wise sum of all ranks' <paramref name="values"/> (host memory).</summary>
    /// <param name="values">The same number of values on every rank.</param>
    public abstract double[] AllReduceSum(double[] values);

    /// <summary>Returns rank <paramref name="root"/>'s bytes on every rank; the others' <paramref name="bytes"/> only give the length, which must match.</summary>
    /// <param name="bytes">The bytes to send (root) or an array of the same length (the others).</param>
    /// <param name="root">The rank whose bytes are kept.</param>
    public abstract byte[] Broadcast(byte[] bytes, int root = 0);

    /// <summary>Returns true on every rank when <paramref name="flag"/> is true on at least one rank.</summary>
    public abstract bool Any(bool flag);

    /// <summary>Returns when every rank has called it.</summary>
    public abstract void Barrier();

    /// <summary>
    /// Stops every rank of the run at once (<c>MPI_Abort</c>): the launcher kills the other processes, and this
    /// process exits with <paramref name="exitCode"/>. Call it when one rank cannot continue, so that the others do not
    /// wait forever in their next collective.
    /// </summary>
    /// <param name="exitCode">The exit code the launcher reports.</param>
    public abstract void Abort(int exitCode);

    /// <summary>Releases the communicator (<c>MPI_Finalize</c>, <c>ncclCommDestroy</c>).</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases resources.</summary>
    /// <param name="disposing">True when called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
    }

    /// <summary>Checks that <paramref name="root"/> is a rank of this run.</summary>
    /// <exception cref="ArgumentOutOfRangeException">It is not.</exception>
    protected void CheckRoot(int root)
    {
        if (root < 0 || root >= Size)
            throw new ArgumentOutOfRangeException(nameof(root), root, $"The root must be a rank of this run, 0 to {Size - 1}.");
    }
}
