using Gan.Keras.Layers;
using Gan.Keras.Models;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Models;

public class SequentialTests
{
    [Fact]
    public void Add_NamesLayersByTypeAndPosition()
    {
        using var model = new Sequential(new Layer[] { new Dense(4), new LeakyReLU(0.2), new Dense(2), new LeakyReLU(0.2) });

        Assert.Equal(new[] { "dense_0", "leaky_re_lu_0", "dense_1", "leaky_re_lu_1" }, model.Layers.Select(l => l.Name));
    }

    [Fact]
    public void Add_RejectsDuplicateNames()
    {
        using var model = new Sequential(new Layer[] { new Dense(4, name: "a") });

        var ex = Assert.Throws<ArgumentException>(() => model.Add(new Dense(2, name: "a")));

        Assert.Contains("already has a layer named 'a'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Summary_ListsLayersShapesAndParameterCounts_LikeKeras()
    {
        using var model = new Sequential(new Layer[] { new Dense(128, "relu"), new Dense(784, "tanh") }, inputShape: new long[] { 100 }, name: "generator");

        string summary = model.Summary();

        Assert.Contains("Model: \"generator\"", summary, StringComparison.Ordinal);
        Assert.Matches(@"dense_0 \(Dense\)\s+\(None, 128\)\s+12928", summary);
        Assert.Matches(@"dense_1 \(Dense\)\s+\(None, 784\)\s+101136", summary);
        Assert.Contains("Total params: 114,064", summary, StringComparison.Ordinal);
        Assert.Contains("Trainable params: 114,064", summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Trainable_False_EmptiesTrainableVariables_ButKeepsWeightsSaved()
    {
        using var model = new Sequential(new Layer[] { new Dense(3), new Dense(1) }, inputShape: new long[] { 2 });

        model.Trainable = false;

        Assert.Empty(model.TrainableVariables);
        Assert.Equal(4, model.NonTrainableVariables.Count);
        Assert.Equal(4, model.state_dict().Count);
        model.Trainable = true;
        Assert.Equal(4, model.TrainableVariables.Count);
    }

    [Fact]
    public void Call_ChecksInputAgainstTheBuiltShape()
    {
        using var model = new Sequential(new Layer[] { new Dense(3) }, inputShape: new long[] { 2 });

        var ex = Assert.Throws<IncompatibleInputException>(() => model.Call(torch.zeros(5, 7)));

        Assert.Contains("(None, 2)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("[5, 7]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ComputeOutputShape_ChainsLayers_WithoutData()
    {
        using var model = new Sequential(new Layer[] { new Dense(784), new Reshape(new long[] { 1, 28, 28 }), new Flatten() });

        Assert.Equal(new long[] { 784 }, model.ComputeOutputShape(new long[] { 100 }));
        Assert.False(model.Built);
    }
}
