using Gan.Keras.Training;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Training;

public class RecordedNoiseSourceTests
{
    [Fact]
    public void Draws_ReplayTheRecordedTensorsInOrder()
    {
        // Given a normal draw then a uniform draw
        using var scope = torch.NewDisposeScope();
        using var noise = new RecordedNoiseSource();
        noise.EnqueueNormal(torch.tensor(new float[] { 1, 2 }).reshape(1, 2));
        noise.EnqueueUniform(torch.tensor(new float[] { 0.5f }).reshape(1, 1));

        // When
        var z = noise.Normal(new long[] { 1, 2 });
        var a = noise.Uniform(new long[] { 1, 1 });

        // Then
        Assert.Equal(new float[] { 1, 2 }, z.data<float>().ToArray());
        Assert.Equal(0.5f, a.item<float>());
        Assert.Equal(0, noise.Remaining);
    }

    [Fact]
    public void Draw_RaisesClearError_WhenKindOrShapeDiffers()
    {
        // Given a recorded normal draw [2, 3]
        using var noise = new RecordedNoiseSource();
        noise.EnqueueNormal(torch.zeros(2, 3));

        // When a uniform draw [2, 1] is asked for
        var error = Assert.Throws<InvalidOperationException>(() => noise.Uniform(new long[] { 2, 1 }));

        // Then
        Assert.Contains("asked for a uniform draw of shape [2, 1], but the next recorded draw is normal [2, 3]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Draw_RaisesClearError_WhenNoneIsLeft()
    {
        // Given / When
        using var noise = new RecordedNoiseSource();
        var error = Assert.Throws<InvalidOperationException>(() => noise.Normal(new long[] { 4, 100 }));

        // Then
        Assert.Contains("no recorded draw left for a normal draw of shape [4, 100]", error.Message, StringComparison.Ordinal);
    }
}
