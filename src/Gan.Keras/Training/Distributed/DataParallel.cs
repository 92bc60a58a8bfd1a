using Gan.Keras.Callbacks;
using Gan.Keras.Data;
using Gan.Keras.Models;
using TorchSharp;

namespace Gan.Keras.Training.Distributed;

/// <summary>
/// Data-parallel training across processes, as PyTorch's DistributedDataParallel and Horovod do it: give it to
/// <c>GanModel.Fit</c> in every rank of an <c>mpirun -np N</c> launch. Each rank trains on its own shard of every
/// epoch's shuffled order with batch B; before each optimizer update the network's gradients are averaged across
/// ranks with one allreduce over a flat buffer; rank 0's weights, optimizer state and random-generator states are
/// broadcast once when training starts; only rank 0 runs the callbacks that write or print (checkpoints, pictures,
/// logs, progress), every rank those that change training (<see cref="Callback.RunsOnEveryRank"/>).
/// </summary>
/// <remarks>
/// <para>
/// N ranks with per-rank batch B take the steps one process with batch N·B takes: every rank draws the same epoch
/// order and the same global latent batch from its synchronised generator and keeps its slice
/// (<see cref="EpochShard"/>, <see cref="ShardedNoiseSource"/>), and with mean-reduced losses the average of the ranks'
/// gradients is the gradient over the global batch. This holds up to float summation order for discriminators without
/// batch-dependent layers. A <c>BatchNormalization</c> layer normalises over its own rank's B examples (as DDP without
/// SyncBatchNorm); its moving statistics are then rank 0's, which is what rank 0 saves.
/// </para>
/// <para>
/// The batch given to <c>Fit</c> is the per-rank batch B, and the learning rate is not changed: the run is one with
/// batch N·B at that learning rate. Choose it for the global batch (docs/distributed.md discusses the scaling rules).
/// </para>
/// </remarks>
public sealed class DataParallel : IDisposable
{
    private readonly Communicator[] owned;
    private bool disposed;

    /// <summary>Initializes a new instance of the <see cref="DataParallel"/> class over an existing communicator (which stays the caller's).</summary>
    /// <param name="communicator">The ranks.</param>
    /// <param name="device">This rank's device; the model must be moved there (<c>gan.To(Device)</c>).</param>
    public DataParallel(Communicator communicator, torch.Device? device = null)
        : this(communicator, device ?? torch.CPU, Array.Empty<Communicator>())
    {
    }

    private DataParallel(Communicator communicator, torch.Device device, Communicator[] owned)
    {
        ArgumentNullException.ThrowIfNull(communicator);
        Communicator = communicator;
        Device = device;
        this.owned = owned;
        DiscriminatorGradients = new GradientAverager(communicator);
        GeneratorGradients = new GradientAverager(communicator);
    }

    /// <summary>Gets the ranks and their collectives.</summary>
    public Communicator Communicator { get; }

    /// <summary>Gets this rank's device: the CPU, or <c>cuda:{local rank}</c> for NCCL.</summary>
    public torch.Device Device { get; }

    /// <summary>Gets this rank.</summary>
    public int Rank => Communicator.Rank;

    /// <summary>Gets the number of ranks.</summary>
    public int Size => Communicator.Size;

    /// <summary>Gets a value indicating whether this is rank 0, the one that writes and prints.</summary>
    public bool IsPrimary => Communicator.IsPrimary;

    /// <summary>Gets the averager of the discriminator's gradients (its counters and communication time).</summary>
    public GradientAverager DiscriminatorGradients { get; }

    /// <summary>Gets the averager of the generator's gradients (its counters and communication time).</summary>
    public GradientAverager GeneratorGradients { get; }

    /// <summary>
    /// Joins the ranks <c>mpirun</c> started: initialises MPI and, for a CUDA device, creates the NCCL communicator on
    /// <c>cuda:{local rank}</c> (MPI then only broadcasts NCCL's unique id and carries host-side control values).
    /// </summary>
    /// <param name="device">Where to train: <c>torch.CPU</c> (gradients reduced by MPI) or a CUDA device (reduced by NCCL on the device; its index is replaced by the local rank).</param>
    /// <exception cref="DistributedException">MPI or NCCL is missing or cannot connect the ranks.</exception>
    public static DataParallel Launch(torch.Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        var mpi = MpiCommunicator.Initialize();
        if (device.type != DeviceType.CUDA) return new DataParallel(mpi, torch.CPU, new Communicator[] { mpi });
        int gpus = torch.cuda.is_available() ? (int)torch.cuda.device_count() : 0;
        if (gpus == 0)
            throw new DistributedException("NCCL needs CUDA, but torch.cuda.is_available() is false (no NVIDIA GPU, or a CPU-only libtorch). Train on the CPU, where MPI reduces the gradients.");
        var local = new torch.Device(DeviceType.CUDA, MpiCommunicator.LocalRank % gpus);
        var nccl = NcclCommunicator.Create(mpi, local);
        return new DataParallel(nccl, local, new Communicator[] { nccl, mpi });
    }

    /// <summary>Gets the sharding of every epoch for a per-rank batch and a number of discriminator updates per step.</summary>
    public EpochShard Shard(int batchSize, int updatesPerStep = 1) => new(Rank, Size, batchSize, updatesPerStep);

    /// <summary>
    /// Makes every rank start where rank 0 is: rank 0's training state (both networks' weights and buffers, EMA
    /// weights, both optimizers' state, the model's and libtorch's random-generator states) is captured as a
    /// <see cref="TrainingCheckpoint"/>, broadcast and restored on the other ranks, with the checkpoint's architecture
    /// checks; rank 0's <paramref name="initialEpoch"/> is returned on every rank.
    /// </summary>
    /// <param name="gan">This rank's compiled GAN, built like rank 0's.</param>
    /// <param name="initialEpoch">This rank's first epoch (rank 0's wins: it may have restored a checkpoint).</param>
    /// <returns>Rank 0's first epoch.</returns>
    /// <exception cref="System.IO.InvalidDataException">This rank's GAN does not have rank 0's architecture; the mismatches are listed.</exception>
    public int Synchronize(GanModel gan, int initialEpoch)
    {
        ArgumentNullException.ThrowIfNull(gan);
        ObjectDisposedException.ThrowIf(disposed, this);
        if (Size == 1) return initialEpoch;
        var epoch = Communicator.Broadcast(BitConverter.GetBytes(initialEpoch));
        byte[] state = IsPrimary ? CaptureBytes(gan) : Array.Empty<byte>();
        var length = Communicator.Broadcast(BitConverter.GetBytes((long)state.Length));
        state = Communicator.Broadcast(IsPrimary ? state : new byte[BitConverter.ToInt64(length)]);
        if (!IsPrimary) RestoreBytes(gan, state);
        return BitConverter.ToInt32(epoch);
    }

    /// <summary>
    /// Makes <paramref name="gan"/> draw its noise as this rank's slice of the global draws until the returned object is
    /// disposed (see <see cref="ShardedNoiseSource"/>).
    /// </summary>
    public IDisposable ShardNoise(GanModel gan)
    {
        ArgumentNullException.ThrowIfNull(gan);
        var previous = gan.Noise;
        if (Size > 1) gan.Noise = new ShardedNoiseSource(previous, Rank, Size);
        return new Restore(() => gan.Noise = previous);
    }

    /// <summary>
    /// Sets <paramref name="gan"/> up for a data-parallel run until the returned object is disposed: its noise is drawn
    /// as this rank's slice of the global draws, and both optimizers average their gradients over the ranks.
    /// </summary>
    /// <exception cref="InvalidOperationException">An optimizer already has another averager (two runs at once).</exception>
    public IDisposable Attach(GanModel gan)
    {
        ArgumentNullException.ThrowIfNull(gan);
        ObjectDisposedException.ThrowIf(disposed, this);
        var optimizers = new[] { (gan.DiscriminatorOptimizer, DiscriminatorGradients), (gan.GeneratorOptimizer, GeneratorGradients) };
        foreach (var (optimizer, _) in optimizers)
            if (optimizer.GradientAverager is not null)
                throw new InvalidOperationException("An optimizer of this GAN already averages its gradients over ranks: one data-parallel Fit at a time.");
        var noise = ShardNoise(gan);
        foreach (var (optimizer, averager) in optimizers) optimizer.GradientAverager = averager;
        return new Restore(() =>
        {
            foreach (var (optimizer, _) in optimizers) optimizer.GradientAverager = null;
            noise.Dispose();
        });
    }

    /// <summary>
    /// Yields this rank's batches of an epoch: the whole dataset's order is drawn from <paramref name="generator"/> when
    /// the epoch starts (as <see cref="Dataset.GetBatches"/> draws it, so the generator advances alike on every rank and
    /// in one process), and this rank reads its <see cref="EpochShard"/> of it, <paramref name="updatesPerStep"/> ×
    /// <paramref name="batchSize"/> examples per step.
    /// </summary>
    public IEnumerable<Batch> EpochBatches(Dataset dataset, int batchSize, int updatesPerStep, bool shuffle, torch.Generator generator)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(generator);
        var shard = Shard(batchSize, updatesPerStep);
        return Iterate();

        IEnumerable<Batch> Iterate()
        {
            var mine = shard.Select(dataset.DrawOrder(shuffle, generator));
            foreach (var batch in dataset.GetBatchesOf(mine, shard.ExamplesPerStep)) yield return batch;
        }
    }

    /// <summary>The callbacks this rank runs: all of them on rank 0; on the others only those that change training (<see cref="Callback.RunsOnEveryRank"/>).</summary>
    public IEnumerable<Callback> CallbacksOfThisRank(IEnumerable<Callback> callbacks)
    {
        ArgumentNullException.ThrowIfNull(callbacks);
        return IsPrimary ? callbacks : callbacks.Where(c => c.RunsOnEveryRank);
    }

    /// <summary>
    /// Gets the number of steps between two checks of the stop flag (one small allreduce); 10 by default. A callback on
    /// rank 0 that stops training mid-epoch (a NaN guard) takes effect on every rank within this many steps; the end of
    /// every epoch is always checked.
    /// </summary>
    public int StopCheckInterval { get; init; } = 10;

    /// <summary>Returns true on every rank when any rank asks to stop (a callback on rank 0, a NaN guard), so that all leave the loop together.</summary>
    public bool AgreeToStop(bool stop) => Size > 1 ? Communicator.Any(stop) : stop;

    /// <summary>
    /// After step <paramref name="step"/> (1-based) of an epoch: on every <see cref="StopCheckInterval"/>-th step, agrees
    /// on <paramref name="gan"/>'s stop flag across ranks (setting it on every rank) and returns it; on other steps returns false, so that no rank leaves early.
    /// </summary>
    public bool StopAfterStep(GanModel gan, long step)
    {
        ArgumentNullException.ThrowIfNull(gan);
        if (Size == 1) return gan.StopTraining;
        if (step % StopCheckInterval != 0) return false;
        gan.StopTraining = Communicator.Any(gan.StopTraining);
        return gan.StopTraining;
    }

    /// <summary>Returns the means over ranks of an epoch's logged means (each rank's are over its own shard): the values one process with the global batch would log.</summary>
    public IReadOnlyDictionary<string, double> AverageLogs(IReadOnlyDictionary<string, double> logs)
    {
        ArgumentNullException.ThrowIfNull(logs);
        if (Size == 1 || logs.Count == 0) return logs;
        // Every rank's step logs the same keys in the same order (the same TrainStep).
        var keys = logs.Keys.ToArray();
        var sums = Communicator.AllReduceSum(keys.Select(k => logs[k]).ToArray());
        return keys.Select((k, i) => (k, sums[i] / Size)).ToDictionary(p => p.k, p => p.Item2);
    }

    /// <summary>Releases the communicators this strategy created (<see cref="Launch"/>): NCCL first, then MPI (<c>MPI_Finalize</c>).</summary>
    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        foreach (var communicator in owned) communicator.Dispose();
    }

    private static byte[] CaptureBytes(GanModel gan)
    {
        using var checkpoint = TrainingCheckpoint.Capture(gan, 0, 0);
        return checkpoint.ToBytes();
    }

    private void RestoreBytes(GanModel gan, byte[] state)
    {
        // The one save/restore contract (TrainingCheckpoint) serves this broadcast too, with its architecture checks.
        using var checkpoint = TrainingCheckpoint.Load(state, $"rank 0's training state");
        try
        {
            checkpoint.RestoreInto(gan);
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidDataException($"Rank {Rank} cannot take rank 0's training state: {ex.Message} Every rank must build the same GAN.", ex);
        }
    }

    private sealed class Restore(Action undo) : IDisposable
    {
        public void Dispose() => undo();
    }
}
