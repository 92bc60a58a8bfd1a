using Gan.Keras.Layers;
using Gan.Keras.Losses;
using Gan.Keras.Metrics;
using Gan.Keras.Models;
using Gan.Keras.Optimizers;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Models;

public class ModelTrainingTests
{
    private static Sequential Regression(out Dense dense)
    {
        torch.manual_seed(3);
        dense = new Dense(1);
        var model = new Sequential(new Layer[] { dense });
        model.Build(new long[] { 3 });
        return model;
    }

    [Fact]
    public void TrainOnBatch_TakesOneSgdStep_OnTheMeanSquaredError_ComputedByHand()
    {
        // Given a linear model y = xW + b, MSE, SGD(0.1)
        using var model = Regression(out var dense);
        model.Compile(new SGD(0.1), new MeanSquaredError());
        var x = torch.tensor(new float[] { 1, 2, 3, -1, 0, 2, 0.5f, 0.5f, -2, 3, 1, 0 }).reshape(4, 3);
        var y = torch.tensor(new float[] { 1, -1, 2, 0.5f }).reshape(4, 1);
        var w = dense.Kernel.detach().clone();
        var b = dense.Bias!.detach().clone();

        // When
        var values = model.TrainOnBatch(x, y);

        // Then: loss = mean(r²) with r = xW + b − y; dW = 2/N xᵀr, db = 2/N Σr
        var r = x.matmul(w) + b - y;
        Assert.Equal(["loss"], model.MetricsNames);
        Assert.Equal(r.pow(2).mean().item<float>(), values[0], 5);
        Assert.True(torch.allclose(w - 0.1 * (2.0 / 4) * x.t().matmul(r), dense.Kernel, 1e-5, 1e-6));
        Assert.True(torch.allclose(b - 0.1 * (2.0 / 4) * r.sum(), dense.Bias!, 1e-5, 1e-6));
    }

    /// <summary>A discriminator with batch normalisation, and a generator, as in the Keras-GAN scripts.</summary>
    private static (Functional Generator, Functional Discriminator, BatchNormalization Norm) GanPair()
    {
        torch.manual_seed(5);
        var image = Keras.Input([4], name: "image");
        var norm = new BatchNormalization(momentum: 0.8);
        var validity = new Dense(1, "sigmoid", name: "validity").Call(norm.Call(new Dense(8, name: "d_hidden").Call(image)));
        var discriminator = new Functional(image, validity, name: "discriminator");
        var z = Keras.Input([2], name: "z");
        var generator = new Functional(z, new Dense(4, "tanh", name: "g_out").Call(z), name: "generator");
        return (generator, discriminator, norm);
    }

    private static Dictionary<string, torch.Tensor> Weights(Layer model) =>
        model.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());

    [Fact]
    public void FrozenDiscriminator_TrainsThroughItsOwnCompile_AndNotThroughTheCombinedModel()
    {
        // Given the Keras-GAN pattern: compile D, freeze it, build and compile the combined model
        var (generator, discriminator, norm) = GanPair();
        discriminator.Compile(new Adam(0.01), new BinaryCrossentropy(), ["accuracy"]);
        discriminator.Trainable = false;
        var z = Keras.Input([2], name: "noise");
        using var combined = new Functional(z, discriminator.Call(generator.Call(z)), name: "combined");
        combined.Compile(new Adam(0.01), new BinaryCrossentropy());
        var noise = torch.randn(6, 2);
        var ones = torch.ones(6, 1);

        // When the combined model trains
        var dBefore = Weights(discriminator);
        var gBefore = Weights(generator);
        var meanBefore = norm.named_buffers().First(b => b.name == "moving_mean").buffer.clone();
        combined.TrainOnBatch(noise, ones);

        // Then only the generator moved, and the frozen batch normalisation ran in inference mode
        TensorAssert.BitwiseEqual(dBefore, Weights(discriminator));
        Assert.Contains(Weights(generator), p => !torch.allclose(p.Value, gBefore[p.Key], 0, 0));
        Assert.True(torch.allclose(meanBefore, norm.named_buffers().First(b => b.name == "moving_mean").buffer, 0, 0));

        // When the discriminator trains through its own compile (it is still frozen as a flag)
        var gAfter = Weights(generator);
        var dLoss = discriminator.TrainOnBatch(torch.randn(6, 4), ones);

        // Then it moved, its statistics moved, the generator did not, and the flag is as the user left it
        Assert.Contains(Weights(discriminator), p => !torch.allclose(p.Value, dBefore[p.Key], 0, 0));
        Assert.False(torch.allclose(meanBefore, norm.named_buffers().First(b => b.name == "moving_mean").buffer, 0, 0));
        TensorAssert.BitwiseEqual(gAfter, Weights(generator));
        Assert.False(discriminator.Trainable);
        Assert.Equal(["loss", "accuracy"], discriminator.MetricsNames);
        Assert.Equal(2, dLoss.Count);
    }

    private static Functional TwoHeads()
    {
        torch.manual_seed(7);
        var image = Keras.Input([5], name: "image");
        var hidden = new Dense(6, "relu", name: "hidden").Call(image);
        var valid = new Dense(1, "sigmoid", name: "valid").Call(hidden);
        var label = new Dense(3, "softmax", name: "label").Call(hidden);
        return new Functional(image, [valid, label], name: "acgan_discriminator");
    }

    [Fact]
    public void TestOnBatch_OfTwoOutputs_ReportsKeras2sList_ComputedFromTheLossesAndMetrics()
    {
        // Given AC-GAN's discriminator compile: two losses, weights, and 'accuracy' on each output
        using var model = TwoHeads();
        model.Compile(new Adam(1e-3), [new BinaryCrossentropy(), new SparseCategoricalCrossentropy()], ["accuracy"], lossWeights: [1.0, 0.5]);
        var x = torch.randn(8, 5);
        var valid = torch.tensor(new float[] { 1, 0, 1, 1, 0, 0, 1, 0 }).reshape(8, 1);
        var labels = torch.tensor(new long[] { 0, 1, 2, 2, 1, 0, 0, 2 }).reshape(8, 1);

        // When
        var values = model.TestOnBatch([x], [valid, labels]);

        // Then
        Assert.Equal(["loss", "valid_loss", "label_loss", "valid_accuracy", "label_accuracy"], model.MetricsNames);
        var outputs = model.CallOutputs([x]);
        float bce = new BinaryCrossentropy().Call(valid, outputs[0]).item<float>();
        float sparse = new SparseCategoricalCrossentropy().Call(labels, outputs[1]).item<float>();
        float validAccuracy = ((outputs[0] > 0.5).to(torch.float32) == valid).to(torch.float32).mean().item<float>();
        float labelAccuracy = (outputs[1].argmax(-1) == labels.reshape(-1)).to(torch.float32).mean().item<float>();
        Assert.Equal(new double[] { bce + 0.5 * sparse, bce, sparse, validAccuracy, labelAccuracy }, values.ToArray(), new ToleranceComparer(1e-6));
    }

    [Fact]
    public void ClassWeight_WeighsEachExampleByItsClass_AsKerasDoes()
    {
        // Given sgan's per-output class weights
        using var model = TwoHeads();
        model.Compile(new SGD(1e-9), [new BinaryCrossentropy(), new SparseCategoricalCrossentropy()]);
        var x = torch.randn(4, 5);
        var valid = torch.tensor(new float[] { 1, 0, 1, 0 }).reshape(4, 1);
        var labels = torch.tensor(new long[] { 0, 2, 1, 2 });
        var classWeight = new Dictionary<int, double> { [0] = 1, [1] = 3, [2] = 0.5 };
        var outputs = model.CallOutputs([x]);

        // When
        var values = model.TrainOnBatch([x], [valid, labels], classWeight: [null, classWeight]);

        // Then: Σ wᵢ·lᵢ / N, with the per-example cross-entropies −log p(label)
        var perExample = -outputs[1].gather(1, labels.unsqueeze(1)).log().reshape(-1);
        var expected = (perExample * torch.tensor(new float[] { 1, 0.5f, 3, 0.5f })).mean().item<float>();
        Assert.Equal(expected, values[2], 5);
        var missing = Assert.Throws<ArgumentException>(() => model.TrainOnBatch([x], [valid, labels], classWeight: [null, new Dictionary<int, double> { [0] = 1 }]));
        Assert.Contains("no weight for class 2", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_RefusesAnOptimizerServingAnotherModel_AndMismatchedLosses()
    {
        using var first = Regression(out _);
        using var second = Regression(out _);
        using var twoHeads = TwoHeads();
        var adam = new Adam();
        first.Compile(adam, new MeanSquaredError());
        first.Compile(adam, new MeanAbsoluteError()); // the same model again is fine

        var shared = Assert.Throws<ArgumentException>(() => second.Compile(adam, new MeanSquaredError()));
        Assert.Contains("own optimizer", shared.Message, StringComparison.Ordinal);
        var losses = Assert.Throws<ArgumentException>(() => twoHeads.Compile(new Adam(), [new MeanSquaredError(), new MeanSquaredError(), new MeanSquaredError()]));
        Assert.Contains("2 outputs", losses.Message, StringComparison.Ordinal);
        var notCompiled = Assert.Throws<InvalidOperationException>(() => second.TrainOnBatch(torch.zeros(2, 3), torch.zeros(2, 1)));
        Assert.Contains("Compile", notCompiled.Message, StringComparison.Ordinal);
        var targets = Assert.Throws<ArgumentException>(() => first.TrainOnBatch([torch.zeros(2, 3)], [torch.zeros(2, 1), torch.zeros(2, 1)]));
        Assert.Contains("one target per output", targets.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_LearnsASeparableProblem_WithValidationLogs_AndPredictEvaluateAgree()
    {
        // Given two Gaussian blobs, a logistic classifier
        Gan.Keras.RandomSeed.Set(11);
        var x = torch.cat([torch.randn(64, 2) + 2, torch.randn(64, 2) - 2]);
        var y = torch.cat([torch.ones(64, 1), torch.zeros(64, 1)]);
        var model = new Sequential(new Layer[] { new Dense(1, "sigmoid") });
        model.Build(new long[] { 2 });
        model.Compile(new Adam(0.05), new BinaryCrossentropy(), ["accuracy"]);

        // When
        var history = model.Fit(x, y, epochs: 5, batchSize: 16, validationData: (x, y), verbose: Gan.Keras.Training.FitVerbosity.Silent);

        // Then
        Assert.Equal(new[] { "accuracy", "loss", "val_accuracy", "val_loss" }, history.Keys.Order(StringComparer.Ordinal));
        Assert.True(history["loss"][^1] < history["loss"][0]);
        Assert.True(history["val_accuracy"][^1] > 0.95);
        var evaluated = model.Evaluate(x, y, batchSize: 128);
        var tested = model.TestOnBatch(x, y);
        Assert.Equal(tested[0], evaluated["loss"], 5);
        Assert.Equal(tested[1], evaluated["accuracy"], 6);
        Assert.Equal(evaluated["loss"], history["val_loss"][^1], 5);
        var predicted = model.Predict(x, batchSize: 10);
        Assert.True(torch.allclose(model.Call(x), predicted, 1e-6, 1e-6));
    }

    [Fact]
    public void Evaluate_WithUnevenBatches_WeighsEachBatchByItsSize()
    {
        using var model = Regression(out _);
        model.Compile(new SGD(0.1), new MeanSquaredError());
        var x = torch.randn(10, 3);
        var y = torch.randn(10, 1);

        var whole = model.Evaluate(x, y, batchSize: 10)["loss"];
        var batched = model.Evaluate(x, y, batchSize: 4)["loss"];

        Assert.Equal(whole, batched, 5);
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}
