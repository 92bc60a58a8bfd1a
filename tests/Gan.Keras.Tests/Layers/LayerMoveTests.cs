using Gan.Keras.Layers;
using Gan.Keras.Models;
using Gan.Keras.Optimizers;
using Gan.Keras.Training;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Layers;

/// <summary>
/// TorchSharp replaces a module's parameters and buffers when it moves device or dtype. A float32 → float64 → float32
/// round trip takes the same path as CPU ↔ CUDA and is lossless, so a model moved mid-training must end bitwise equal
/// to a twin that never moved — weights, moving statistics and optimizer state alike.
/// </summary>
public class LayerMoveTests
{
    public static TheoryData<string, string> LayersAndOptimizers()
    {
        var data = new TheoryData<string, string>();
        foreach (var layer in Cases.Keys)
            foreach (var optimizer in Optimizers.Keys)
                data.Add(layer, optimizer);
        return data;
    }

    [Theory]
    [MemberData(nameof(LayersAndOptimizers))]
    public void RoundTripOfTheDtypeMidTraining_EndsBitwiseEqualToATwinThatNeverMoved(string layer, string optimizer)
    {
        // Given two identical models, each with its own optimizer
        var (moved, movedOptimizer, input) = Create(layer, optimizer);
        var (twin, twinOptimizer, _) = Create(layer, optimizer);

        // When both train 3 steps, one goes to float64 and back, and both train 3 more
        for (int step = 0; step < 3; step++) TrainBoth(step);
        moved.to(torch.float64);
        Assert.All(moved.TrainableVariables, v => Assert.Equal(torch.float64, v.dtype));
        Assert.All(moved.NonTrainableVariables, v => Assert.Equal(torch.float64, v.dtype));
        movedOptimizer.MoveState(moved.TrainableVariables);
        moved.to(torch.float32);
        for (int step = 3; step < 6; step++) TrainBoth(step);

        // Then weights, non-trainable state and optimizer state are bitwise equal
        TensorAssert.BitwiseEqual(twin.state_dict(), moved.state_dict());
        TensorAssert.BitwiseEqual(twinOptimizer.GetState(), movedOptimizer.GetState());
        Assert.NotEqual(TensorAssert.Bytes(Create(layer, optimizer).Model.state_dict().First().Value), TensorAssert.Bytes(moved.state_dict().First().Value));

        void TrainBoth(int step)
        {
            Train(moved, movedOptimizer, input, step);
            Train(twin, twinOptimizer, input, step);
        }
    }

    [Fact]
    public void TrainableVariables_AfterAMoveToFloat64_AreTheModulesLiveFloat64Parameters()
    {
        // Given the model of the bug report
        var model = new Sequential(new Layer[] { new Dense(4, "relu"), new Dense(1) }, inputShape: new long[] { 3 }, name: "d");

        // When it moves to float64
        model.to(torch.float64);

        // Then its variables are valid float64 tensors, the very ones the module holds, and it trains
        Assert.All(model.TrainableVariables, v => Assert.Equal(torch.float64, v.dtype));
        Assert.Equal(model.parameters().Count(), model.TrainableVariables.Count);
        Assert.All(model.TrainableVariables.Zip(model.parameters()), pair => Assert.Same(pair.Second, pair.First));
        var optimizer = new Adam(0.1);
        Train(model, optimizer, torch.randn(8, 3, dtype: torch.float64), step: 0);
        Assert.Equal(1, optimizer.Iterations);
    }

    private static readonly Dictionary<string, Func<Optimizer>> Optimizers = new()
    {
        ["adam"] = () => new Adam(0.01),
        ["adam-algorithm1"] = () => new Adam(0.01, rule: AdamUpdateRule.Algorithm1),
        ["rmsprop"] = () => new RMSprop(0.01),
        ["sgd"] = () => new SGD(0.05),
        ["sgd-nesterov"] = () => new SGD(0.05, momentum: 0.9, nesterov: true),
    };

    /// <summary>One small model per layer type (the layer under test first), and an input for it.</summary>
    private static readonly Dictionary<string, Func<(Layer[] Layers, long[] Shape, torch.Tensor Input)>> Cases = new()
    {
        ["dense"] = () => (new Layer[] { new Dense(4, "relu"), new Dense(1) }, new long[] { 3 }, torch.randn(8, 3)),
        ["conv2d"] = () => (new Layer[] { new Conv2D(2, 3, padding: "same", activation: "relu"), new Flatten(), new Dense(1) }, new long[] { 1, 5, 5 }, torch.randn(4, 1, 5, 5)),
        ["conv2d-transpose"] = () => (new Layer[] { new Conv2DTranspose(2, 3, strides: 2, padding: "same"), new LeakyReLU(0.2), new Flatten(), new Dense(1) }, new long[] { 1, 3, 3 }, torch.randn(4, 1, 3, 3)),
        ["batch-normalization"] = () => (new Layer[] { new Dense(4), new BatchNormalization(), new ReLU(), new Dense(1) }, new long[] { 3 }, torch.randn(8, 3)),
        ["embedding"] = () => (new Layer[] { new Embedding(5, 3), new Flatten(), new Dense(1) }, new long[] { 2 }, torch.randint(0, 5, new long[] { 8, 2 })),
        ["spectral-normalization"] = () => (new Layer[] { new SpectralNormalization(new Dense(4)), new Activation("tanh"), new Dense(1) }, new long[] { 3 }, torch.randn(8, 3)),
        ["upsampling-reshape"] = () => (new Layer[] { new Reshape(new long[] { 1, 2, 2 }), new UpSampling2D(2), new Conv2D(1, 3, padding: "same"), new Flatten(), new Dense(1) }, new long[] { 4 }, torch.randn(4, 4)),
        ["dropout-noise"] = () => (new Layer[] { new Dense(4), new Dropout(0.5), new GaussianNoise(0.1, seed: 3), new Dense(1) }, new long[] { 3 }, torch.randn(8, 3)),
    };

    private static (Sequential Model, Optimizer Optimizer, torch.Tensor Input) Create(string layer, string optimizer)
    {
        RandomSeed.Set(11);
        var (layers, shape, input) = Cases[layer]();
        return (new Sequential(layers, inputShape: shape, name: "model"), Optimizers[optimizer](), input);
    }

    private static void Train(Sequential model, Optimizer optimizer, torch.Tensor input, int step)
    {
        // Dropout and GaussianNoise draw from the global stream: both twins draw the same numbers.
        torch.manual_seed(100 + step);
        using var scope = torch.NewDisposeScope();
        using var tape = new GradientTape();
        var loss = model.Call(input, training: true).square().mean();
        optimizer.ApplyGradients(tape.Gradient(loss, model.TrainableVariables), model.TrainableVariables);
    }
}
