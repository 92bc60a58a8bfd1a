using Gan.Keras.Training.Distributed;
using TorchSharp;

namespace Gan.Keras.Tests.Training.Distributed;

/// <summary>Rank 0 of two, in one process: an allreduce adds the other rank's tensor, given up front; other collectives are not needed by the tests that use it.</summary>
internal sealed class OtherRankCommunicator(torch.Tensor other) : Communicator
{
    public override int Rank => 0;

    public override int Size => 2;

    public override string Backend => "test";

    public override void AllReduceSum(torch.Tensor tensor) => tensor.add_(other);

    public override void Broadcast(torch.Tensor tensor, int root = 0) => throw new NotSupportedException();

    public override double[] AllReduceSum(double[] values) => throw new NotSupportedException();

    public override byte[] Broadcast(byte[] bytes, int root = 0) => throw new NotSupportedException();

    public override bool Any(bool flag) => flag;

    public override void Barrier()
    {
    }

    public override void Abort(int exitCode) => throw new NotSupportedException();
}
