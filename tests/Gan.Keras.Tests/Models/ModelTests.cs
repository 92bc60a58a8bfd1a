using Gan.Keras.Layers;
using Gan.Keras.Models;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Models;

public class ModelTests
{
    private sealed class ResidualMlp : Model
    {
        private readonly Dense hidden = new(4, "relu");
        private readonly Dense output = new(4);

        public ResidualMlp() : base("residual")
        {
            RegisterComponents();
        }

        public override torch.Tensor Call(torch.Tensor inputs, bool training = false)
        {
            using var h = hidden.Call(inputs, training);
            using var o = output.Call(h, training);
            return inputs + o;
        }
    }

    [Fact]
    public void SubclassedModel_OverridingCall_BuildsSublayersAndExposesTheirVariables()
    {
        using var model = new ResidualMlp();

        model.Build(new long[] { 4 });
        using var y = model.Call(torch.ones(2, 4));

        Assert.Equal(new long[] { 2, 4 }, y.shape);
        Assert.Equal(4, model.TrainableVariables.Count);
        Assert.Equal(new[] { "hidden", "output" }, model.Layers.Select(l => l.Name));
        Assert.Equal(new long[] { 4 }, model.ComputeOutputShape(new long[] { 4 }));
        Assert.Contains("hidden (Dense)", model.Summary(), StringComparison.Ordinal);
    }
}
