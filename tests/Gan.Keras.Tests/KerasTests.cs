using Gan.Keras.Layers;
using Gan.Keras.Models;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests;

public class KerasTests
{
    [Fact]
    public void CloneModel_OfASequential_HasTheSameArchitecture_AndNewWeights()
    {
        torch.manual_seed(1);
        using var model = new Sequential(new Layer[] { new Dense(4, "relu"), new Dense(2) }, name: "mlp");
        model.Build(new long[] { 3 });

        using var clone = Keras.CloneModel(model);

        Assert.True(clone.Built);
        Assert.Equal(model.CountParams(), clone.CountParams());
        Assert.Equal(model.named_parameters().Select(p => p.parameter.shape), clone.named_parameters().Select(p => p.parameter.shape));
        Assert.Contains(model.named_parameters().Zip(clone.named_parameters()), p => !torch.allclose(p.First.parameter, p.Second.parameter, 0, 0));
        Assert.Equal(new long[] { 5, 2 }, clone.Call(torch.randn(5, 3)).shape);
    }

    [Fact]
    public void CloneModel_OfAFunctionalWithASharedLayer_KeepsItShared()
    {
        var input = Keras.Input([3], name: "x");
        var shared = new Dense(3, name: "shared");
        using var model = new Functional(input, new Add().Call(shared.Call(input), shared.Call(shared.Call(input))), name: "residual");

        using var clone = (Functional)Keras.CloneModel(model);

        Assert.Equal(model.CountParams(), clone.CountParams());
        Assert.Equal(12, clone.CountParams());
        Assert.Equal(new long[] { 2, 3 }, clone.Call(torch.randn(2, 3)).shape);
    }

    [Fact]
    public void CloneModel_RefusesASubclassedModel()
    {
        using var model = new TinySubclassed();

        var error = Assert.Throws<ArgumentException>(() => Keras.CloneModel(model));

        Assert.Contains("subclassed model", error.Message, StringComparison.Ordinal);
    }

    private sealed class TinySubclassed : Model
    {
        private readonly Dense dense = new(1);

        public TinySubclassed() : base("tiny") => RegisterComponents();

        public override torch.Tensor Call(torch.Tensor inputs, bool training = false) => dense.Call(inputs, training);
    }
}
