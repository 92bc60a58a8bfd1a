using System.Diagnostics;
using TorchSharp;

namespace Gan.Keras.Training.Distributed;

/// <summary>
/// Averages one network's gradients across ranks before its optimizer update: one allreduce over the flat buffer of
/// all its gradients (the buffer the optimizers already build), then a division by the number of ranks.
/// </summary>
/// <remarks>
/// With mean-reduced losses and equal per-rank batches, the average of the ranks' gradients is the gradient of the
/// mean loss over the global batch: N ranks with batch B take the step one process with batch N·B takes, up to the
/// order of float summation. Counts the reductions and, for communicators that block (MPI), their wall time.
/// </remarks>
public sealed class GradientAverager
{
    private readonly Stopwatch clock = new();

    /// <summary>Initializes a new instance of the <see cref="GradientAverager"/> class.</summary>
    /// <param name="communicator">The ranks to average over.</param>
    public GradientAverager(Communicator communicator)
    {
        ArgumentNullException.ThrowIfNull(communicator);
        Communicator = communicator;
    }

    /// <summary>Gets the ranks averaged over.</summary>
    public Communicator Communicator { get; }

    /// <summary>Gets the number of buffers averaged so far.</summary>
    public long Reductions { get; private set; }

    /// <summary>Gets the number of gradient values averaged so far.</summary>
    public long Values { get; private set; }

    /// <summary>
    /// Gets the wall time spent inside the allreduce calls. For MPI this is the communication time (the call returns
    /// when the sum is complete, including waiting for the slowest rank); NCCL only queues its work, so there it is
    /// the time to queue.
    /// </summary>
    public TimeSpan CommunicationTime => clock.Elapsed;

    /// <summary>Replaces <paramref name="flatGradients"/> with the mean of all ranks' buffers, in place.</summary>
    /// <param name="flatGradients">One contiguous 1-D buffer of all of one network's gradients, the same layout on every rank.</param>
    public void Average(torch.Tensor flatGradients)
    {
        ArgumentNullException.ThrowIfNull(flatGradients);
        if (flatGradients.dim() != 1)
            throw new ArgumentException($"GradientAverager takes one flat buffer of gradients (1-D), but got {flatGradients.dim()} dimensions.", nameof(flatGradients));
        Reductions++;
        Values += flatGradients.numel();
        // Called even for one rank: MPI returns at once, NCCL runs its (one-rank) allreduce, which verifies the NCCL path on one GPU.
        clock.Start();
        try
        {
            Communicator.AllReduceSum(flatGradients);
        }
        finally
        {
            clock.Stop();
        }
        if (Communicator.Size == 1) return;
        using var noGrad = torch.no_grad();
        flatGradients.div_(Communicator.Size);
    }

    /// <summary>Sets the counters and the clock back to zero.</summary>
    public void Reset()
    {
        Reductions = 0;
        Values = 0;
        clock.Reset();
    }
}
