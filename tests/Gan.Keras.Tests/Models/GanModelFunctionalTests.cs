using Gan.Keras.Data;
using Gan.Keras.Layers;
using Gan.Keras.Losses;
using Gan.Keras.Models;
using Gan.Keras.Optimizers;
using Gan.Keras.Tests.Export.Onnx;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Models;

/// <summary>GANs whose networks are functional graphs: a two-input generator, a two-output discriminator (AC-GAN), codes (InfoGAN).</summary>
public class GanModelFunctionalTests
{
    private const int LatentDim = 6;
    private const int Classes = 3;

    /// <summary>A small AC-GAN: G([noise, label]) = Dense(tanh)(noise ⊙ Embedding(label)); D(x) = [validity logit, class logits].</summary>
    internal static GanModel CreateAcgan(long seed = 1)
    {
        torch.manual_seed(seed);
        var noise = Keras.Input([LatentDim], name: "latent");
        var label = Keras.Input([1], torch.int64, name: "labels");
        var embedded = new Flatten().Call(new Embedding(Classes, LatentDim).Call(label));
        var hidden = new Dense(8, "relu").Call(new Multiply().Call(noise, embedded));
        var generator = new Functional([noise, label], new Dense(4, "tanh").Call(hidden), name: "generator");
        var image = Keras.Input([4], name: "image");
        var features = new Dense(8, "leaky_relu").Call(image);
        var discriminator = new Functional(image, [new Dense(1, name: "validity").Call(features), new Dense(Classes, name: "class").Call(features)], name: "discriminator");
        var gan = new GanModel(generator, discriminator, [GeneratorInput.Latent(LatentDim), GeneratorInput.Labels(Classes)], seed: seed);
        gan.Compile(new Adam(1e-2), new Adam(1e-2), new NonSaturatingLoss(), [new OutputLoss(new SparseCategoricalCrossentropy(fromLogits: true), OutputTarget.Labels)]);
        return gan;
    }

    private static InMemoryDataset LabelledData(int n = 48)
    {
        torch.manual_seed(9);
        var labels = torch.arange(n, dtype: torch.int64) % Classes;
        var features = torch.randn(n, 4) * 0.3 + labels.to(torch.float32).unsqueeze(1) * 0.5 - 0.5;
        return new InMemoryDataset(features.clamp(-1, 1), labels);
    }

    [Fact]
    public void Acgan_TrainsOnLabelledData_WithTheClassLossInBothSteps()
    {
        // Given an AC-GAN and labelled data
        using var gan = CreateAcgan();
        var data = LabelledData();

        // When it trains for a few epochs
        var history = gan.Fit(data, epochs: 3, batchSize: 16);

        // Then the losses are finite and the class head learned the real labels better than chance (log 3 = 1.0986)
        Assert.All(history["d_loss"], v => Assert.True(double.IsFinite(v)));
        using var scope = torch.NewDisposeScope();
        var classLogits = gan.Discriminator.CallOutputs(new[] { data.Features })[1];
        var realClassLoss = new SparseCategoricalCrossentropy(fromLogits: true).Call(data.Labels!, classLogits).item<float>();
        Assert.True(realClassLoss < 1.0986, $"class loss on real data {realClassLoss}");
    }

    [Fact]
    public void DiscriminatorStep_AddsTheWeightedClassLoss_OnRealAndGeneratedSamples()
    {
        // Given two identical AC-GANs, one whose class loss has weight 0
        using var weighted = CreateAcgan(seed: 2);
        using var unweighted = CreateAcgan(seed: 2);
        unweighted.Compile(new Adam(1e-2), new Adam(1e-2), new NonSaturatingLoss(), [new OutputLoss(new SparseCategoricalCrossentropy(fromLogits: true), OutputTarget.Labels, Weight: 0)]);
        var real = torch.randn(4, 4);
        var labels = torch.tensor(new long[] { 0, 1, 2, 1 });
        var latent = torch.randn(4, LatentDim);

        // When both take one discriminator step on the same batch
        using var scope = torch.NewDisposeScope();
        var fake = weighted.GenerateFrom(latent, labels);
        var outputsReal = weighted.Discriminator.CallOutputs(new[] { real }, training: true);
        var outputsFake = weighted.Discriminator.CallOutputs(new[] { fake }, training: true);
        var ce = new SparseCategoricalCrossentropy(fromLogits: true);
        double expectedExtra = ce.Call(labels, outputsReal[1]).item<float>() + ce.Call(labels, outputsFake[1]).item<float>();
        double withClass = weighted.TrainDiscriminatorStep(real, latent, labels).Loss.item<float>();
        double without = unweighted.TrainDiscriminatorStep(real, latent, labels).Loss.item<float>();

        // Then the loss differs by exactly the class terms
        Assert.Equal(expectedExtra, withClass - without, 4);
    }

    [Fact]
    public void Fit_RaisesClearError_WhenOutputLossesDoNotMatchTheDiscriminatorsOutputs()
    {
        // Given an AC-GAN compiled with no output loss for its class head
        using var gan = CreateAcgan();
        gan.Compile(new Adam(), new Adam(), new NonSaturatingLoss());

        // When
        var error = Assert.Throws<InvalidOperationException>(() => gan.Fit(LabelledData(), epochs: 1, batchSize: 16));

        // Then
        Assert.Contains("has 2 outputs", error.Message, StringComparison.Ordinal);
        Assert.Contains("one OutputLoss per extra output", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_RaisesClearError_WhenInputsDoNotMatchTheGenerator()
    {
        // Given a two-input generator
        var noise = Keras.Input([LatentDim]);
        var label = Keras.Input([1], torch.int64);
        var generator = new Functional([noise, label], new Dense(4).Call(new Multiply().Call(noise, new Flatten().Call(new Embedding(Classes, LatentDim).Call(label)))));
        var x = Keras.Input([4]);
        var discriminator = new Functional(x, new Dense(1).Call(x));

        // When described as a one-input GAN
        var error = Assert.Throws<ArgumentException>(() => new GanModel(generator, discriminator, LatentDim));

        // Then
        Assert.Contains("List one GeneratorInput per generator input", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_UsesTheChosenLabels()
    {
        // Given
        using var gan = CreateAcgan(seed: 3);

        // When the same latent vectors are run with two labels
        var z = torch.randn(2, LatentDim);
        var asZero = gan.GenerateFrom(z, torch.tensor(new long[] { 0, 0 }));
        var asTwo = gan.GenerateFrom(z, torch.tensor(new long[] { 2, 2 }));

        // Then the samples differ, and a seeded Generate repeats itself
        Assert.False(torch.allclose(asZero, asTwo));
        Assert.True(torch.allclose(gan.Generate(2, seed: 5, labels: [1]), gan.Generate(2, seed: 5, labels: [1]), 0, 0));
        Assert.Equal(3, gan.NumClasses);
    }

    [Fact]
    public void ExportGenerator_HasBothInputs_AndMatchesGenerate()
    {
        // Given a trained-a-little AC-GAN with non-zero biases and embedding rows
        using var gan = CreateAcgan(seed: 4);
        gan.Fit(LabelledData(), epochs: 1, batchSize: 16);

        // When exported and run by ONNX Runtime with latent [n, 6] and labels [n, 1]
        var bytes = Gan.Keras.Export.Onnx.OnnxExporter.ExportGeneratorToBytes(gan);
        using var runner = new OnnxRunner(bytes);
        var z = torch.randn(5, LatentDim);
        var labels = torch.tensor(new long[] { 0, 1, 2, 1, 0 });
        var onnx = runner.Run(new Dictionary<string, torch.Tensor> { ["latent"] = z, ["labels"] = labels.reshape(5, 1) });

        // Then
        Assert.Equal(new[] { "latent", "labels" }, runner.Session.InputMetadata.Keys.ToArray());
        Assert.True((onnx - gan.GenerateFrom(z, labels)).abs().max().item<float>() <= 1e-5f);
    }

    [Fact]
    public void InfoganCode_IsDrawnEachStep_AndPredictedByTheCodeHead()
    {
        // Given a generator of [noise, categorical code] and a discriminator with a Q head predicting the code
        torch.manual_seed(6);
        var noise = Keras.Input([LatentDim], name: "latent");
        var code = Keras.Input([Classes], name: "code");
        var generator = new Functional([noise, code], new Dense(4, "tanh").Call(new Dense(8, "relu").Call(new Concatenate().Call(noise, code))), name: "generator");
        var image = Keras.Input([4]);
        var features = new Dense(8, "leaky_relu").Call(image);
        var discriminator = new Functional(image, [new Dense(1).Call(features), new Dense(Classes).Call(features)], name: "discriminator");
        using var gan = new GanModel(generator, discriminator, [GeneratorInput.Latent(LatentDim), GeneratorInput.CategoricalCode(Classes, "code")], seed: 6);
        gan.Compile(new Adam(1e-2), new Adam(1e-2), new NonSaturatingLoss(), [new OutputLoss(new CategoricalCrossentropy(fromLogits: true), OutputTarget.Input("code"))]);

        // When
        var batch = gan.SampleGeneratorInputs(64);
        var history = gan.Fit(new InMemoryDataset(torch.rand(64, 4) * 2 - 1), epochs: 2, batchSize: 16);

        // Then codes are one-hot rows over all categories, and training ran
        Assert.Equal(new long[] { 64, Classes }, batch.Inputs[1].shape);
        Assert.True(torch.allclose(batch.Inputs[1].sum(1), torch.ones(64), 0, 0));
        Assert.Equal(Classes, batch.Inputs[1].argmax(1).unique().output.shape[0]);
        Assert.All(history["g_loss"], v => Assert.True(double.IsFinite(v)));
    }
}
