using Gan.Keras.Data;
using Gan.Keras.Layers;
using Gan.Keras.Losses;
using Gan.Keras.Models;
using Gan.Keras.Optimizers;
using Gan.Keras.Tests.Models;
using Gan.Keras.Training;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Saving;

public class GanSaveTests
{
    [Fact]
    public void SaveLoadThenFit_ContinuesBitwiseLikeAnUninterruptedRun()
    {
        // Given an uninterrupted run of 4 epochs
        using var data = TinyGan.Data();
        using var twin = TinyGan.Create();
        twin.Fit(data, epochs: 4, batchSize: 64);

        // When another run trains 2 epochs, is saved whole, and the loaded GAN (built by no code of ours) trains 2 more
        string path = Path.Combine(TestPaths.NewTempFolder(), "gan.keras");
        using (var first = TinyGan.Create())
        {
            first.Fit(data, epochs: 2, batchSize: 64);
            first.Save(path);
        }
        RandomSeed.Set(12345);
        using var loaded = GanModel.Load(path);
        loaded.Fit(data, epochs: 4, batchSize: 64, initialEpoch: 2);

        // Then weights and both optimizers' state are bitwise those of the uninterrupted run
        Assert.True(loaded.IsCompiled);
        TensorAssert.BitwiseEqual(twin.WeightTensors(), loaded.WeightTensors());
        TensorAssert.BitwiseEqual(twin.DiscriminatorOptimizer.GetState(), loaded.DiscriminatorOptimizer.GetState());
        TensorAssert.BitwiseEqual(twin.GeneratorOptimizer.GetState(), loaded.GeneratorOptimizer.GetState());
    }

    [Fact]
    public void SaveLoad_ConditionalFunctionalGan_KeepsInputsAverageLossAndOptions()
    {
        // Given an AC-GAN (two-input generator, two-output discriminator) with a weight average, WGAN-GP, a class-head
        // loss, RMSprop and Adam with non-default settings, 3 critic steps and an augmentation, trained a little
        using var gan = GanModelFunctionalTests.CreateAcgan(seed: 4);
        gan.GeneratorEmaDecay = 0.9;
        gan.Compile(new RMSprop(2e-3, rho: 0.8), new Adam(1e-3, 0.5, 0.9), new WassersteinGpLoss(penaltyWeight: 5),
            [new OutputLoss(new SparseCategoricalCrossentropy(fromLogits: true), OutputTarget.Labels, Weight: 0.5)]);
        gan.DiscriminatorSteps = 3;
        gan.CriticReusesRealBatch = true;
        gan.Augmentation = new DiffAugment("translation", translationRatio: 0.25);
        using var data = new InMemoryDataset(torch.rand(48, 4) * 2 - 1, torch.tensor(Enumerable.Range(0, 48).Select(i => (long)(i % 3)).ToArray()));
        gan.Fit(data, epochs: 1, batchSize: 16);
        string path = Path.Combine(TestPaths.NewTempFolder(), "acgan.keras");

        // When
        gan.Save(path);
        using var loaded = GanModel.Load(path);

        // Then everything that shapes generation and training came back
        Assert.Equal(gan.GeneratorInputs.Select(i => (i.GetType(), i.Name, string.Join(",", i.Shape))), loaded.GeneratorInputs.Select(i => (i.GetType(), i.Name, string.Join(",", i.Shape))));
        Assert.Equal(3, loaded.NumClasses);
        Assert.Equal(0.9, loaded.GeneratorEmaDecay);
        Assert.Equal(gan.Seed, loaded.Seed);
        var loss = Assert.IsType<WassersteinGpLoss>(loaded.Loss);
        Assert.Equal(5, Assert.IsType<WassersteinGradientPenalty>(loss.Penalty).Weight);
        var rms = Assert.IsType<RMSprop>(loaded.DiscriminatorOptimizer);
        Assert.Equal((2e-3, 0.8), (rms.LearningRate, rms.Rho));
        var adam = Assert.IsType<Adam>(loaded.GeneratorOptimizer);
        Assert.Equal((0.5, 0.9), (adam.Beta1, adam.Beta2));
        var output = Assert.Single(loaded.OutputLosses);
        Assert.IsType<SparseCategoricalCrossentropy>(output.Loss);
        Assert.Equal((0.5, (string?)null), (output.Weight, output.Target.InputName));
        Assert.Equal((3, true), (loaded.DiscriminatorSteps, loaded.CriticReusesRealBatch));
        Assert.Equal(["translation"], loaded.Augmentation!.Policy);
        Assert.Equal(0.25, loaded.Augmentation.TranslationRatio);
        TensorAssert.BitwiseEqual(gan.WeightTensors(), loaded.WeightTensors());
        TensorAssert.BitwiseEqual(gan.GeneratorOptimizer.GetState(), loaded.GeneratorOptimizer.GetState());
        Assert.True(torch.allclose(gan.Generate(2, seed: 9, labels: [0, 2]), loaded.Generate(2, seed: 9, labels: [0, 2]), 0, 0));
    }

    [Fact]
    public void SaveLoad_UncompiledGan_LoadsUncompiled_WithItsOutputRange()
    {
        // Given a GAN never compiled, whose generator ends in a sigmoid
        torch.manual_seed(2);
        var generator = new Sequential(new Layer[] { new Dense(4, "sigmoid") }, inputShape: [3], name: "generator");
        var discriminator = new Sequential(new Layer[] { new Dense(1) }, inputShape: [4], name: "discriminator");
        using var gan = new GanModel(generator, discriminator, latentDim: 3, seed: 5);
        string path = Path.Combine(TestPaths.NewTempFolder(), "uncompiled.keras");

        // When
        gan.Save(path);
        using var loaded = GanModel.Load(path);

        // Then
        Assert.False(loaded.IsCompiled);
        Assert.Equal((0.0, 1.0), loaded.OutputRange);
        Assert.True(torch.allclose(gan.Generate(3, seed: 1), loaded.Generate(3, seed: 1), 0, 0));
    }

    [Fact]
    public void Load_RefusesAModelFileAndSaveRefusesASubclass()
    {
        // Given a file of one model, and a conditional GAN subclass
        using var model = new Sequential(new Layer[] { new Dense(2) }, inputShape: [2]);
        string path = Path.Combine(TestPaths.NewTempFolder(), "model.keras");
        model.Save(path);
        RandomSeed.Set(1);
        var generator = new Sequential(new Layer[] { new Dense(2) }, inputShape: [5], name: "generator");
        var discriminator = new Sequential(new Layer[] { new Dense(1) }, inputShape: [4], name: "discriminator");
        using var conditional = new ConditionalGanModel(generator, discriminator, latentDim: 3, numClasses: 2);

        // When / Then each is refused with one line saying what to use instead
        var load = Assert.Throws<InvalidDataException>(() => GanModel.Load(path));
        Assert.Equal($"'{path}' is not a saved Gan.Keras GAN: its metadata 'format' is 'gan-keras.model.v1', expected 'gan-keras.gan.v1'. It holds one model: open it with Model.Load.", load.Message);
        var save = Assert.Throws<NotSupportedException>(() => conditional.Save(Path.Combine(TestPaths.NewTempFolder(), "c.keras")));
        Assert.StartsWith("A ConditionalGanModel cannot be saved whole: it is a subclass of GanModel", save.Message);
    }
}
