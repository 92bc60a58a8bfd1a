using Gan.Keras.Layers;
using Gan.Keras.Losses;
using Gan.Keras.Metrics;
using Gan.Keras.Models;
using Gan.Keras.Optimizers;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Saving;

/// <summary>A compiled model saves its compile config and optimizer state, as Keras's model.save does, and load_model compiles it again.</summary>
public class ModelCompileSaveTests
{
    [Fact]
    public void SaveLoad_CompiledModel_ComesBackCompiled_AndTrainsOnBitwiseLikeTheOriginal()
    {
        // Given a classifier compiled with Adam, a label-smoothed cross-entropy and two metrics (a name and an object),
        // trained two steps
        RandomSeed.Set(8);
        using var model = Classifier();
        model.Compile(new Adam(3e-3, beta1: 0.8), new BinaryCrossentropy(labelSmoothing: 0.1), ["accuracy", new BinaryAccuracy(threshold: 0.3, name: "loose")]);
        var (x, y) = Batch();
        model.TrainOnBatch(x, y);
        model.TrainOnBatch(x, y);
        string path = Path.Combine(TestPaths.NewTempFolder(), "classifier.keras");

        // When it is saved and loaded, and both take one more step on the same batch
        model.Save(path);
        using var loaded = Model.Load(path);
        Assert.True(loaded.IsCompiled);
        TensorAssert.BitwiseEqual(model.Optimizer!.GetState(), loaded.Optimizer!.GetState());
        var expected = model.TrainOnBatch(x, y);
        var actual = loaded.TrainOnBatch(x, y);

        // Then the loaded model reports the same values under the same names, and ends with the same weights
        Assert.Equal(model.MetricsNames, loaded.MetricsNames);
        Assert.Equal(new[] { "loss", "accuracy", "loose" }, loaded.MetricsNames);
        Assert.Equal(expected, actual);
        TensorAssert.BitwiseEqual(model.state_dict(), loaded.state_dict());
        Assert.Equal(3, loaded.Optimizer.Iterations);
    }

    [Fact]
    public void SaveLoad_MultiOutputModel_KeepsOneLossPerOutputAndTheLossWeights()
    {
        // Given a two-output functional model compiled with a loss per output and loss weights
        RandomSeed.Set(9);
        var input = Keras.Input([4]);
        var hidden = new Dense(8, "relu").Call(input);
        using var model = new Functional(input, [new Dense(1, "sigmoid", name: "real").Call(hidden), new Dense(3, name: "cls").Call(hidden)], name: "two_heads");
        model.Compile(new RMSprop(1e-3), [new BinaryCrossentropy(), new SparseCategoricalCrossentropy(fromLogits: true)], ["accuracy"], lossWeights: [1.0, 0.25]);
        string path = Path.Combine(TestPaths.NewTempFolder(), "two.keras");

        // When it is saved and loaded
        model.Save(path);
        using var loaded = Model.Load(path);
        using var x = torch.randn(6, 4);
        using var real = torch.ones(6, 1);
        using var cls = torch.tensor(new long[] { 0, 1, 2, 0, 1, 2 });

        // Then it evaluates a batch to the same losses and metrics
        Assert.Equal(model.Evaluate([x], [real, cls]), loaded.Evaluate([x], [real, cls]));
        Assert.IsType<RMSprop>(loaded.Optimizer);
    }

    [Fact]
    public void SaveLoad_ModelFrozenAfterCompile_StillTrainsItsCompileTimeVariables_AndKeepsItsFlags()
    {
        // Given a discriminator compiled, trained a step, then frozen (as Keras's GAN examples do before building the
        // combined model): its own train_on_batch still trains it
        RandomSeed.Set(11);
        using var model = Classifier();
        model.Compile(new Adam(1e-2), new BinaryCrossentropy());
        var (x, y) = Batch();
        model.TrainOnBatch(x, y);
        model.Trainable = false;
        string path = Path.Combine(TestPaths.NewTempFolder(), "frozen.keras");

        // When it is saved and loaded, and both take a step
        model.Save(path);
        using var loaded = Model.Load(path);
        Assert.Equal(model.TrainOnBatch(x, y), loaded.TrainOnBatch(x, y));

        // Then the loaded one trained the same variables to the same values, and is still frozen outside its steps
        TensorAssert.BitwiseEqual(model.state_dict(), loaded.state_dict());
        Assert.False(loaded.Trainable);
        Assert.Empty(loaded.TrainableVariables);
    }

    [Fact]
    public void Load_WithCompileFalse_LeavesTheModelUncompiled()
    {
        // Given a compiled model saved
        RandomSeed.Set(10);
        using var model = Classifier();
        model.Compile(new Adam(), new BinaryCrossentropy());
        string path = Path.Combine(TestPaths.NewTempFolder(), "m.keras");
        model.Save(path);

        // When it is loaded with compile: false (Keras's load_model(compile=False))
        using var loaded = Model.Load(path, compile: false);

        // Then it has the weights but no optimizer
        Assert.False(loaded.IsCompiled);
        TensorAssert.BitwiseEqual(model.state_dict(), loaded.state_dict());
    }

    [Fact]
    public void Save_RefusesACustomLoss_NamingIt_AndWritesNothing()
    {
        // Given a model compiled with a loss of the user's own
        using var model = Classifier();
        model.Compile(new Adam(), new HalfMse());
        string path = Path.Combine(TestPaths.NewTempFolder(), "custom.keras");

        // When / Then saving it is refused with one line naming the loss, and nothing is written
        var error = Assert.Throws<NotSupportedException>(() => model.Save(path));
        Assert.StartsWith("loss 0 is a HalfMse, which a saved file cannot name", error.Message);
        Assert.False(File.Exists(path));
    }

    private static Sequential Classifier() =>
        new(new Layer[] { new Dense(6, "relu"), new Dense(1, "sigmoid") }, inputShape: [3], name: "classifier");

    private static (torch.Tensor X, torch.Tensor Y) Batch()
    {
        var x = torch.randn(10, 3);
        var y = (x.sum(dim: 1, keepdim: true) > 0).to(torch.float32);
        return (x, y);
    }

    private sealed class HalfMse : Loss
    {
        protected override torch.Tensor PerExample(torch.Tensor yTrue, torch.Tensor yPred) => (yPred - yTrue).square().mean([-1]) * 0.5;
    }
}
