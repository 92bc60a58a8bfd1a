using Gan.Keras.Internal;
using TorchSharp;

namespace Gan.Keras.Training.Distributed;

/// <summary>
/// Collectives on CUDA devices with NCCL, one GPU per rank: gradients and weights are reduced and broadcast in device
/// memory, on the stream libtorch computes on. MPI only bootstraps the communicator (rank 0's NCCL unique id is
/// broadcast over MPI) and carries the small host-side values (stop flags, epoch means, random-generator states).
/// </summary>
/// <remarks>
/// Tensor collectives are queued on the CUDA legacy default stream and return at once, like libtorch's kernels; the
/// next kernel on that stream waits for them. CPU tensors go through the MPI communicator. The MPI communicator
/// stays owned by the caller: dispose it after this one.
/// </remarks>
public sealed class NcclCommunicator : Communicator
{
    private readonly NcclLibrary nccl;
    private readonly MpiCommunicator bootstrap;
    private IntPtr comm;

    private NcclCommunicator(NcclLibrary nccl, MpiCommunicator bootstrap, IntPtr comm, torch.Device device)
    {
        this.nccl = nccl;
        this.bootstrap = bootstrap;
        this.comm = comm;
        Device = device;
    }

    /// <inheritdoc />
    public override int Rank => bootstrap.Rank;

    /// <inheritdoc />
    public override int Size => bootstrap.Size;

    /// <inheritdoc />
    public override string Backend => "nccl";

    /// <summary>Gets this rank's CUDA device.</summary>
    public torch.Device Device { get; }

    /// <summary>Gets the loaded NCCL's version code (<c>NCCL_VERSION_CODE</c>, e.g. 22105 for 2.21.5).</summary>
    public int NcclVersion => nccl.Version;

    /// <summary>
    /// Creates the NCCL communicator of all MPI ranks, this rank on <paramref name="device"/>: rank 0 draws the unique id
    /// (<c>ncclGetUniqueId</c>), MPI broadcasts it, and every rank joins (<c>ncclCommInitRank</c>).
    /// </summary>
    /// <param name="bootstrap">The MPI ranks; every one of them must call this.</param>
    /// <param name="device">This rank's CUDA device, with its index (usually <c>cuda:{local rank}</c>).</param>
    /// <exception cref="DistributedException">NCCL or the CUDA runtime is missing, or NCCL failed to connect the ranks.</exception>
    public static NcclCommunicator Create(MpiCommunicator bootstrap, torch.Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (device.type != DeviceType.CUDA)
            throw new ArgumentException($"NCCL reduces on CUDA devices, but the device is {device}. Use MpiCommunicator for CPU training.", nameof(device));
        ArgumentNullException.ThrowIfNull(bootstrap);
        var nccl = NcclLibrary.Load();
        int index = Math.Max(0, device.index);
        nccl.CheckCuda(nccl.CudaSetDevice(index), $"cudaSetDevice({index})");
        var id = new byte[NcclLibrary.UniqueIdBytes];
        if (bootstrap.IsPrimary) nccl.Check(nccl.GetUniqueId(id), "ncclGetUniqueId");
        id = bootstrap.Broadcast(id);
        nccl.Check(nccl.CommInitRank(out var comm, bootstrap.Size, NcclLibrary.UniqueId.FromBytes(id), bootstrap.Rank), $"ncclCommInitRank (rank {bootstrap.Rank} of {bootstrap.Size}, cuda:{index})");
        return new NcclCommunicator(nccl, bootstrap, comm, new torch.Device(DeviceType.CUDA, index));
    }

    /// <inheritdoc />
    public override void AllReduceSum(torch.Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        CheckOpen();
        if (tensor.device.type != DeviceType.CUDA)
        {
            bootstrap.AllReduceSum(tensor);
            return;
        }
        int datatype = tensor.dtype switch
        {
            torch.ScalarType.Float32 => NcclLibrary.Float32,
            torch.ScalarType.Float64 => NcclLibrary.Float64,
            torch.ScalarType.Float16 => NcclLibrary.Float16,
            torch.ScalarType.BFloat16 => NcclLibrary.Bfloat16,
            _ => throw new ArgumentException($"NCCL allreduce sums floating-point tensors here, but this one is {tensor.dtype}.", nameof(tensor)),
        };
        CheckDevice(tensor);
        if (tensor.numel() == 0) return;
        var address = TensorMemory.Address(tensor);
        nccl.Check(nccl.AllReduce(address, address, (nuint)tensor.numel(), datatype, NcclLibrary.Sum, comm, IntPtr.Zero), "ncclAllReduce", comm);
    }

    /// <inheritdoc />
    public override void Broadcast(torch.Tensor tensor, int root = 0)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        CheckOpen();
        CheckRoot(root);
        if (tensor.device.type != DeviceType.CUDA)
        {
            bootstrap.Broadcast(tensor, root);
            return;
        }
        CheckDevice(tensor);
        if (tensor.numel() == 0) return;
        if (!tensor.is_contiguous())
        {
            using var staged = tensor.contiguous();
            Broadcast(staged, root);
            tensor.copy_(staged);
            return;
        }
        var address = TensorMemory.Address(tensor);
        nccl.Check(nccl.Broadcast(address, address, (nuint)TensorMemory.ByteCount(tensor), NcclLibrary.Uint8, root, comm, IntPtr.Zero), "ncclBroadcast", comm);
    }

    /// <inheritdoc />
    public override double[] AllReduceSum(double[] values) => bootstrap.AllReduceSum(values);

    /// <inheritdoc />
    public override byte[] Broadcast(byte[] bytes, int root = 0) => bootstrap.Broadcast(bytes, root);

    /// <inheritdoc />
    public override bool Any(bool flag) => bootstrap.Any(flag);

    /// <inheritdoc />
    public override void Barrier() => bootstrap.Barrier();

    /// <inheritdoc />
    public override void Abort(int exitCode)
    {
        if (comm != IntPtr.Zero) nccl.CommAbort(comm);
        comm = IntPtr.Zero;
        bootstrap.Abort(exitCode);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (comm != IntPtr.Zero)
        {
            var destroyed = comm;
            comm = IntPtr.Zero;
            nccl.Check(nccl.CommDestroy(destroyed), "ncclCommDestroy");
        }
        base.Dispose(disposing);
    }

    private void CheckOpen() => ObjectDisposedException.ThrowIf(comm == IntPtr.Zero, this);

    private void CheckDevice(torch.Tensor tensor)
    {
        if (tensor.device.index != Device.index && tensor.device.index >= 0)
            throw new ArgumentException($"This rank's NCCL communicator is on {Device}, but the tensor is on {tensor.device}. Move the model to {Device}.", nameof(tensor));
    }
}
