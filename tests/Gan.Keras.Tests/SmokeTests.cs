using Gan.Keras.Layers;
using Gan.Keras.Models;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests;

public class SmokeTests
{
    [Fact]
    public void Dense_RunsOnLibTorch()
    {
        using var model = new Sequential(new Layer[] { new Dense(3, "relu") }, inputShape: new long[] { 4 });
        using var y = model.Call(torch.ones(2, 4));
        Assert.Equal(new long[] { 2, 3 }, y.shape);
    }
}
