using Gan.Keras.Training.Distributed;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Training.Distributed;

public class GradientAveragerTests
{
    [Fact]
    public void Average_DividesTheAllreducedSumByTheNumberOfRanks_InPlace()
    {
        // Given a two-rank communicator whose other rank holds [3, 5, 7]
        using var other = torch.tensor(new float[] { 3, 5, 7 });
        using var communicator = new OtherRankCommunicator(other);
        var averager = new GradientAverager(communicator);
        using var gradients = torch.tensor(new float[] { 1, 1, 1 });

        // When this rank's flat gradients [1, 1, 1] are averaged
        averager.Average(gradients);

        // Then they are the mean of both ranks', and one reduction of three values is counted
        Assert.Equal(new float[] { 2, 3, 4 }, gradients.data<float>().ToArray());
        Assert.Equal(1, averager.Reductions);
        Assert.Equal(3, averager.Values);
    }

    [Fact]
    public void Average_RejectsABufferThatIsNotFlat()
    {
        using var communicator = new OtherRankCommunicator(torch.zeros(4));
        using var matrix = torch.zeros(2, 2);
        Assert.Throws<ArgumentException>(() => new GradientAverager(communicator).Average(matrix));
    }
}
