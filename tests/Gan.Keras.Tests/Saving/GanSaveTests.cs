using Gan.Keras.Data;
using Gan.Keras.Layers;
using Gan.Keras.Losses;
using Gan.Keras.Models;
using Gan.Keras.Optimizers;
using Gan.Keras.Saving;
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
    public void Load_RefusesAModelFile_NamingModelLoad()
    {
        // Given a file of one model
        using var model = new Sequential(new Layer[] { new Dense(2) }, inputShape: [2]);
        string path = Path.Combine(TestPaths.NewTempFolder(), "model.keras");
        model.Save(path);

        // When / Then it is refused with one line saying what to use instead
        var load = Assert.Throws<InvalidDataException>(() => GanModel.Load(path));
        Assert.Equal($"'{path}' is not a saved Gan.Keras GAN: its metadata 'format' is 'gan-keras.model.v1', expected 'gan-keras.gan.v1'. It holds one model: open it with Model.Load.", load.Message);
    }

    [Fact]
    public void SaveLoad_ConditionalGanModel_ComesBackAsOne_GeneratingTheSameSamples()
    {
        // Given a conditional GAN (a built-in subclass: one-hot labels joined to each network's input), compiled
        RandomSeed.Set(1);
        var generator = new Sequential(new Layer[] { new Dense(2, activation: "tanh") }, inputShape: [5], name: "generator");
        var discriminator = new Sequential(new Layer[] { new Dense(1) }, inputShape: [4], name: "discriminator");
        using var conditional = new ConditionalGanModel(generator, discriminator, latentDim: 3, numClasses: 2, seed: 7);
        conditional.Compile(new Adam(1e-3), new Adam(1e-3), new NonSaturatingLoss());
        string path = Path.Combine(TestPaths.NewTempFolder(), "c.keras");

        // When
        conditional.Save(path);
        using var loaded = GanModel.Load(path);

        // Then it is a ConditionalGanModel again, and draws the same samples of a chosen class
        Assert.IsType<ConditionalGanModel>(loaded);
        using var expected = conditional.Generate(3, seed: 3, labels: [1, 0, 1]);
        using var actual = loaded.Generate(3, seed: 3, labels: [1, 0, 1]);
        Assert.True(expected.eq(actual).all().item<bool>(), "the loaded conditional GAN draws other samples");
    }

    [Fact]
    public void Save_RefusesAnUnregisteredSubclass_NamingTheRegistration()
    {
        // Given a GanModel subclass nobody registered
        using var gan = new UnregisteredGan(TinyGan.Create());

        // When / Then saving it is refused, nothing is written, and the message says how to register it
        string path = Path.Combine(TestPaths.NewTempFolder(), "u.keras");
        var save = Assert.Throws<NotSupportedException>(() => gan.Save(path));
        Assert.StartsWith("A UnregisteredGan cannot be saved whole until its type is registered", save.Message);
        Assert.Contains("SerializableGans.Register(p => new UnregisteredGan(...)", save.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void ARegisteredSubclass_LoadsAsItself_AndWithoutItsCode_OpensToSampleAsAGanModelButNotToTrain()
    {
        // Given a registered subclass (it overrides the step only), trained a little and saved
        SerializableGans.Register(p => new StepOverridingGan(p), "GanSaveTests");
        using var data = TinyGan.Data();
        string path = Path.Combine(TestPaths.NewTempFolder(), "s.keras");
        using (var gan = new StepOverridingGan(TinyGan.Create()))
        {
            gan.Fit(data, epochs: 1, batchSize: 64);
            gan.Save(path);
        }

        // When it is loaded with its registration, and its config is read as a program without the code reads it
        using var loaded = GanModel.Load(path);
        var config = Gan.Keras.Saving.GanFile.Describe(loaded);
        config["registered_name"] = "Elsewhere>StepOverridingGan";
        var tensors = Gan.Keras.Training.TrainingState.Capture(loaded, TrainingStateParts.All);
        try
        {
            using var sampler = Gan.Keras.Saving.GanFile.Create(config, tensors, "s.keras", TrainingStateParts.Weights);
            var train = Assert.Throws<InvalidDataException>(() => Gan.Keras.Saving.GanFile.Create(config, tensors, "s.keras"));

            // Then it comes back as itself; without the code it samples as the GanModel it names, with the same samples,
            // and is refused for training with one line naming the registration
            Assert.IsType<StepOverridingGan>(loaded);
            Assert.Equal("GanModel", config["config"]!["sampled_as"]!.GetValue<string>());
            Assert.Equal(typeof(GanModel), sampler.GetType());
            using var expected = loaded.Generate(4, seed: 2);
            using var actual = sampler.Generate(4, seed: 2);
            Assert.True(expected.eq(actual).all().item<bool>(), "the GanModel stand-in draws other samples");
            Assert.Equal(
                "'s.keras': cannot rebuild the GAN: it holds a 'Elsewhere>StepOverridingGan', a GanModel subclass that is not registered: call SerializableGans.Register(p => new StepOverridingGan(...), \"Elsewhere\") before loading it (Keras: register_keras_serializable); without it, it opens as a GanModel to sample or export, not to train.",
                train.Message);
        }
        finally
        {
            foreach (var tensor in tensors.Values) tensor.Dispose();
        }
    }

    [Fact]
    public void SamplingClass_IsNull_ForASubclassThatChangesTheGeneratorsPath()
    {
        Assert.Equal("GanModel", SerializableGans.SamplingClass(typeof(StepOverridingGan))?.ClassName);
        Assert.Equal("ConditionalGanModel", SerializableGans.SamplingClass(typeof(ConditionalGanModel))?.ClassName);
        Assert.Null(SerializableGans.SamplingClass(typeof(GeneratorOverridingGan)));
    }

    private static GanParts Parts(GanModel gan) => new(gan.Generator, gan.Discriminator, gan.GeneratorInputs, gan.Seed);

    private sealed class UnregisteredGan(GanModel from) : GanModel(from.Generator, from.Discriminator, from.GeneratorInputs, from.Seed);

    private sealed class StepOverridingGan : GanModel
    {
        public StepOverridingGan(GanParts parts)
            : base(parts.Generator, parts.Discriminator, parts.GeneratorInputs, parts.Seed)
        {
        }

        public StepOverridingGan(GanModel from)
            : this(Parts(from))
        {
            Compile(new Adam(1e-3), new Adam(1e-3), new NonSaturatingLoss());
        }

        public override IReadOnlyDictionary<string, torch.Tensor> TrainStep(Batch batch) => base.TrainStep(batch);
    }

    private sealed class GeneratorOverridingGan(GanModel from) : GanModel(from.Generator, from.Discriminator, from.GeneratorInputs, from.Seed)
    {
        protected internal override torch.Tensor GeneratorCall(LatentBatch inputs, bool training) => base.GeneratorCall(inputs, training).neg();
    }
}
