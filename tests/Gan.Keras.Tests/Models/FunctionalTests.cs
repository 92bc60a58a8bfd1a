using Gan.Keras.Layers;
using Gan.Keras.Models;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Models;

public class FunctionalTests
{
    /// <summary>The AC-GAN generator of the Keras-GAN collection (acgan.py), written with the functional API.</summary>
    internal static Functional AcganGenerator(int latentDim = 100, int classes = 10)
    {
        var body = new Sequential(new Layer[]
        {
            new Dense(128 * 7 * 7, "relu"), new Reshape(new long[] { 128, 7, 7 }), new BatchNormalization(momentum: 0.8),
            new UpSampling2D(2), new Conv2D(128, 3, padding: "same"), new Activation("relu"), new BatchNormalization(momentum: 0.8),
            new UpSampling2D(2), new Conv2D(64, 3, padding: "same"), new Activation("relu"), new BatchNormalization(momentum: 0.8),
            new Conv2D(1, 3, padding: "same"), new Activation("tanh"),
        }, name: "body");
        var noise = Keras.Input([latentDim], name: "latent");
        var label = Keras.Input([1], torch.int64, name: "labels");
        var embedded = new Flatten().Call(new Embedding(classes, latentDim).Call(label));
        var joined = new Multiply().Call(noise, embedded);
        return new Functional([noise, label], body.Call(joined), name: "generator");
    }

    [Fact]
    public void AcganGenerator_HasKerasParameterCounts_AndRunsOnTwoInputs()
    {
        // Given the Keras-GAN AC-GAN generator (Keras summary: 857,705 params, 857,065 trainable)
        torch.manual_seed(1);
        using var generator = AcganGenerator();

        // When
        var images = generator.Call(new[] { torch.randn(3, 100), torch.tensor(new long[] { 1, 5, 9 }).reshape(3, 1) });

        // Then
        Assert.Equal(857_705, generator.CountParams());
        Assert.Equal(857_065, generator.TrainableVariables.Sum(v => v.numel()));
        Assert.Equal(new long[] { 3, 1, 28, 28 }, images.shape);
        Assert.Equal(2, generator.Inputs.Count);
        Assert.Equal(new long[] { 1, 28, 28 }, generator.OutputShape);
    }

    [Fact]
    public void Call_EqualsTheGraphComputedByHand()
    {
        // Given two inputs, a shared Dense applied to both, and two outputs
        torch.manual_seed(2);
        var a = Keras.Input([4], name: "a");
        var b = Keras.Input([4], name: "b");
        var shared = new Dense(3, name: "shared");
        var sa = shared.Call(a);
        var sb = shared.Call(b);
        var sum = new Add().Call(sa, sb);
        var head = new Dense(2, "tanh", name: "head").Call(sum);
        using var model = new Functional([a, b], [sum, head], name: "two_heads");
        var x = torch.randn(5, 4);
        var y = torch.randn(5, 4);

        // When
        var outputs = model.CallOutputs(new[] { x, y });

        // Then: the shared layer has one kernel, used twice
        var k = shared.Kernel;
        var bias = shared.Bias!;
        var expectedSum = x.matmul(k) + bias + y.matmul(k) + bias;
        var headLayer = (Dense)model.Layers.Single(l => l.Name == "head");
        var expectedHead = torch.tanh(expectedSum.matmul(headLayer.Kernel) + headLayer.Bias!);
        Assert.Equal(2, outputs.Count);
        Assert.True(torch.allclose(outputs[0], expectedSum, 1e-6, 1e-6));
        Assert.True(torch.allclose(outputs[1], expectedHead, 1e-6, 1e-6));
        Assert.Equal(4 * 3 + 3 + 3 * 2 + 2, model.CountParams());
        Assert.Equal(2, shared.InboundNodes.Count);
    }

    [Fact]
    public void ResidualBlock_AddsTheShortcut_AndTrainsBothBranches()
    {
        // Given x + Conv(ReLU(Conv(x)))
        torch.manual_seed(3);
        var input = Keras.Input([4, 6, 6]);
        var branch = new Conv2D(4, 3, padding: "same").Call(new ReLU().Call(new Conv2D(4, 3, padding: "same").Call(input)));
        using var block = new Functional(input, new Add().Call(input, branch), name: "residual");
        var x = torch.randn(2, 4, 6, 6);

        // When the branch's last convolution is zeroed, the block is the identity
        using (torch.no_grad())
            foreach (var p in block.Layers.OfType<Conv2D>().Last().parameters()) p.zero_();
        var identity = block.Call(x);

        // Then
        Assert.True(torch.allclose(identity, x, 1e-6, 1e-6));
        var loss = block.Call(x).square().sum();
        var grads = torch.autograd.grad(new[] { loss }, block.TrainableVariables.Cast<torch.Tensor>().ToArray(), allow_unused: true);
        Assert.Equal(4, grads.Count);
        Assert.True(grads.Last(g => g is not null && !g.IsInvalid).abs().sum().item<float>() > 0);
    }

    [Fact]
    public void NestedModel_IsALayer_AndKeepsItsWeightsUnderItsName()
    {
        // Given an inner functional model used as a layer of an outer one
        torch.manual_seed(4);
        var innerInput = Keras.Input([3]);
        using var inner = new Functional(innerInput, new Dense(2, name: "d").Call(innerInput), name: "inner");
        var outerInput = Keras.Input([3]);
        using var outer = new Functional(outerInput, new Dense(1, name: "out").Call(inner.Call(outerInput)), name: "outer");

        // When
        var names = outer.state_dict().Keys.ToArray();

        // Then
        Assert.Contains("inner.d.kernel", names);
        Assert.Contains("out.kernel", names);
        Assert.Equal(3 * 2 + 2 + 2 + 1, outer.CountParams());
        Assert.Equal(new long[] { 7, 1 }, outer.Call(torch.randn(7, 3)).shape);
    }

    [Fact]
    public void Building_RaisesClearError_NamingTheLayerAndBothShapes()
    {
        // Given two inputs of different widths
        var a = Keras.Input([4]);
        var b = Keras.Input([5]);

        // When
        var error = Assert.Throws<IncompatibleInputException>(() => new Add(name: "join").Call(a, b));

        // Then
        Assert.Contains("'join' (Add)", error.Message, StringComparison.Ordinal);
        Assert.Contains("(None, 4)", error.Message, StringComparison.Ordinal);
        Assert.Contains("(None, 5)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SharedLayer_RaisesClearError_WhenCalledOnAnotherShape()
    {
        // Given a Dense built for 4 features
        var dense = new Dense(2, name: "shared");
        dense.Call(Keras.Input([4]));

        // When
        var error = Assert.Throws<IncompatibleInputException>(() => dense.Call(Keras.Input([6])));

        // Then
        Assert.Contains("'shared' (Dense) was built for input shape (None, 4)", error.Message, StringComparison.Ordinal);
        Assert.Contains("(None, 6)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_RaisesClearError_WhenAnOutputNeedsAMissingInput()
    {
        // Given an output computed from two inputs, and a model given one
        var a = Keras.Input([2], name: "a");
        var b = Keras.Input([2], name: "b");
        var sum = new Add().Call(a, b);

        // When
        var error = Assert.Throws<ArgumentException>(() => new Functional(a, sum, name: "broken"));

        // Then
        Assert.Contains("Graph disconnected", error.Message, StringComparison.Ordinal);
        Assert.Contains("input 'b'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Call_RaisesClearError_WhenAnInputHasTheWrongShape()
    {
        // Given
        var a = Keras.Input([3], name: "a");
        using var model = new Functional(a, new Dense(1).Call(a), name: "m");

        // When
        var error = Assert.Throws<IncompatibleInputException>(() => model.Call(torch.zeros(2, 5)));

        // Then
        Assert.Contains("'m'", error.Message, StringComparison.Ordinal);
        Assert.Contains("(None, 3)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Summary_ShowsConnectedTo_AndKerasParameterCounts()
    {
        // Given a two-input model
        var noise = Keras.Input([8], name: "noise");
        var label = Keras.Input([1], torch.int64, name: "label");
        var embedded = new Flatten(name: "flat").Call(new Embedding(10, 8, name: "embed").Call(label));
        using var model = new Functional([noise, label], new Dense(4, name: "dense").Call(new Multiply(name: "mul").Call(noise, embedded)), name: "g");

        // When
        var summary = model.Summary();

        // Then
        Assert.Contains("Connected to", summary, StringComparison.Ordinal);
        Assert.Contains("noise (InputLayer)", summary, StringComparison.Ordinal);
        Assert.Matches(@"mul \(Multiply\)\s+\(None, 8\)\s+0\s+noise\[0\]\[0\]", summary);
        Assert.Contains("flat[0][0]", summary, StringComparison.Ordinal);
        Assert.Matches(@"dense \(Dense\)\s+\(None, 4\)\s+36\s+mul\[0\]\[0\]", summary);
        Assert.Contains("Total params: 116", summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Config_RebuildsTheSameGraph_WithSharedLayers()
    {
        // Given a graph with a shared layer and two outputs
        torch.manual_seed(5);
        var a = Keras.Input([4], name: "a");
        var b = Keras.Input([4], name: "b");
        var shared = new Dense(3, name: "shared");
        var joined = new Concatenate().Call(shared.Call(a), shared.Call(b));
        using var model = new Functional([a, b], [joined, new Dense(1, name: "score").Call(joined)], name: "m");

        // When rebuilt from its configuration and given the same weights
        using var copy = (Functional)model.GetConfig().CreateLayer();
        copy.load_state_dict(model.state_dict());
        var x = torch.randn(2, 4);
        var y = torch.randn(2, 4);

        // Then
        Assert.Equal(model.GetConfig(), copy.GetConfig());
        Assert.Equal(model.CountParams(), copy.CountParams());
        var expected = model.CallOutputs(new[] { x, y });
        var actual = copy.CallOutputs(new[] { x, y });
        Assert.True(torch.allclose(expected[1], actual[1], 0, 0));
        Assert.Equal(2, copy.Layers.Single(l => l.Name == "shared").InboundNodes.Count);
    }

    [Fact]
    public void Sequential_IsBuiltAsAGraph_OfItsLayers()
    {
        // Given
        using var model = new Sequential(new Layer[] { new Dense(3), new Dense(2) }, inputShape: new long[] { 5 });

        // When / Then: each layer was called once on a symbolic tensor
        Assert.All(model.Layers, l => Assert.Single(l.InboundNodes));
        Assert.Equal(new long[] { 3 }, model.Layers[1].InboundNodes[0].Inputs[0].Shape);
    }

    [Fact]
    public void Layers_MixBatch_OnlyWithBatchNormalization()
    {
        // Given
        var x = Keras.Input([4]);
        using var plain = new Functional(x, new Dense(2).Call(x));
        var y = Keras.Input([4]);
        using var normalised = new Functional(y, new Dense(2).Call(new BatchNormalization().Call(y)));

        // Then
        Assert.False(plain.MixesBatch);
        Assert.True(normalised.MixesBatch);
    }
}
