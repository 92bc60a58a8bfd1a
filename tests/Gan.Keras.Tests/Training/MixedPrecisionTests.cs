using Gan.Keras.Callbacks;
using Gan.Keras.Data;
using Gan.Keras.Export.Checkpoints;
using Gan.Keras.Layers;
using Gan.Keras.Losses;
using Gan.Keras.Models;
using Gan.Keras.Optimizers;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Training;

public class MixedPrecisionTests
{
    [Fact]
    public void Compile_AddsLossScaling_ForFloat16Networks_Only()
    {
        // Given the same GAN built under mixed_float16 and under mixed_bfloat16
        using var float16 = Create(DtypePolicy.MixedFloat16);
        using var bfloat16 = Create(DtypePolicy.MixedBFloat16);

        // Then only the float16 one's optimizers scale the loss, with Keras's defaults
        Assert.Equal(32768, float16.DiscriminatorOptimizer.LossScale!.Scale);
        Assert.Equal(2000, float16.GeneratorOptimizer.LossScale!.GrowthSteps);
        Assert.Null(bfloat16.DiscriminatorOptimizer.LossScale);
        Assert.Null(bfloat16.GeneratorOptimizer.LossScale);
    }

    [Theory]
    [InlineData("mixed_bfloat16", "non-saturating")]
    [InlineData("mixed_bfloat16", "wgan-gp")]
    [InlineData("mixed_float16", "non-saturating-r1")]
    [InlineData("mixed_float16", "wgan-gp")]
    public void TrainStep_UnderMixedPolicy_KeepsVariablesOptimizerStateAndLossesInFloat32(string policy, string loss)
    {
        // Given a GAN built under a mixed policy, with a gradient penalty for some losses
        using var gan = Create(DtypePolicy.FromName(policy), GanLosses.FromName(loss));
        using var data = TinyGan.Data();
        var before = TinyGan.WeightBytes(gan);

        // When it trains for an epoch and takes one more step
        gan.Fit(data, epochs: 1, batchSize: 64);
        using var scope = torch.NewDisposeScope();
        var logs = gan.TrainStep(gan.ToDevice(data.GetBatches(64, shuffle: false, new torch.Generator(1), dropRemainder: true).First()));

        // Then every logged value is a finite float32, every variable and Adam moment is float32, and the weights moved
        Assert.All(logs.Values, v => Assert.Equal(torch.ScalarType.Float32, v.dtype));
        Assert.All(logs.Values, v => Assert.True(float.IsFinite(v.item<float>())));
        if (loss != "non-saturating") Assert.Contains("d_penalty", logs.Keys);
        Assert.All(gan.Generator.TrainableVariables.Concat(gan.Discriminator.TrainableVariables), v => Assert.Equal(torch.ScalarType.Float32, v.dtype));
        Assert.Equal(torch.ScalarType.Float32, gan.GeneratorOptimizer.GetState()["0.m"].dtype);
        Assert.Contains(TinyGan.WeightBytes(gan), kv => !kv.Value.AsSpan().SequenceEqual(before[kv.Key]));
        Assert.Equal(torch.ScalarType.Float32, gan.Generate(3, seed: 1).dtype);
    }

    [Theory]
    [InlineData("mixed_bfloat16")]
    [InlineData("mixed_float16")]
    public void DcganPreset_TrainsUnderMixedPolicy_WithConvolutionsAndBatchNormalization(string policy)
    {
        // Given the DCGAN preset for 16×16 colour images, built under a mixed policy
        Gan.Keras.Models.GanModel gan;
        using (DtypePolicy.UseGlobal(DtypePolicy.FromName(policy))) gan = Gan.Keras.Models.Presets.ModelPresets.Create("dcgan", new long[] { 3, 16, 16 }, seed: 3);
        using var owner = gan;
        gan.Compile(new Adam(2e-4, 0.5), new Adam(2e-4, 0.5), new NonSaturatingLoss());
        using var scope = torch.NewDisposeScope();
        var batch = new Batch(torch.rand(8, 3, 16, 16, generator: new torch.Generator(4)) * 2 - 1, null);

        // When it takes two steps and generates
        gan.TrainStep(batch);
        var logs = gan.TrainStep(batch);
        var samples = gan.Generate(4, seed: 2);

        // Then the losses are finite float32, the samples float32 in [-1, 1], and batch normalisation's statistics float32
        Assert.All(logs.Values, v => Assert.True(v.dtype == torch.ScalarType.Float32 && float.IsFinite(v.item<float>())));
        Assert.Equal(torch.ScalarType.Float32, samples.dtype);
        Assert.True(samples.abs().max().item<float>() <= 1);
        Assert.All(gan.Generator.Layers.OfType<BatchNormalization>(), bn => Assert.Equal(torch.ScalarType.Float32, bn.MovingVariance.dtype));
    }

    [Fact]
    public void R1Term_UnderFloat16_IsRecoveredByTheLossScale_WhereItUnderflowsWithout()
    {
        // Given the same two-layer critic in float32 and in mixed_float16, with weights so small (1e-5) that its input
        // gradient (16 · 1e-10 per element) is below float16's smallest subnormal (6e-8)
        using var reference = SmallCritic(DtypePolicy.Float32);
        using var mixed = SmallCritic(DtypePolicy.MixedFloat16);
        using var real = torch.randn(4, 8, generator: new torch.Generator(2));

        // When the R1 term is computed with and without Keras's initial loss scale
        using var expected = R1Penalty.Term(x => reference.Call(x, training: true), real);
        using var scaled = R1Penalty.Term(x => mixed.Call(x, training: true), real, lossScale: 32768);
        using var unscaled = R1Penalty.Term(x => mixed.Call(x, training: true), real);

        // Then the scaled one matches float32 (8 · (1.6e-9)² = 2.05e-17) and the unscaled one lost the gradient
        double want = expected.item<float>(), got = scaled.item<float>();
        Assert.InRange(want, 2.0e-17, 2.1e-17);
        Assert.True(Math.Abs(got - want) <= 0.02 * want, $"scaled R1 {got:E3}, float32 {want:E3}");
        Assert.Equal(torch.ScalarType.Float32, scaled.dtype);
        Assert.True(unscaled.item<float>() < 0.01 * want, $"unscaled R1 {unscaled.item<float>():E3} did not underflow");
    }

    [Theory]
    [InlineData("mixed_bfloat16")]
    [InlineData("mixed_float16")]
    public void Checkpoint_ResumesBitForBit_UnderTheSamePolicy_WithTheLossScale(string name)
    {
        // Given an uninterrupted 4-epoch run under a mixed policy (float16: a loss scale that grows every 5 steps), and a
        // 2-epoch run whose checkpoint is restored into a freshly built GAN that trains the other 2
        var policy = DtypePolicy.FromName(name);
        using var data = TinyGan.Data();
        using var reference = Create(policy, growthSteps: 5);
        reference.Fit(data, epochs: 4, batchSize: 64);
        var expected = TinyGan.WeightBytes(reference);
        string folder = TestPaths.NewTempFolder();
        using (var first = Create(policy, growthSteps: 5))
            first.Fit(data, epochs: 2, batchSize: 64, callbacks: new Callback[] { new ModelCheckpoint(folder) });
        torch.manual_seed(12345);
        using var resumed = Create(policy, seed: 99, growthSteps: 5);
        using (var checkpoint = new CheckpointManager(folder).LoadLatest()) checkpoint.RestoreInto(resumed);

        // When it continues from the checkpoint's epoch
        resumed.Fit(data, epochs: 4, batchSize: 64, initialEpoch: 2);

        // Then every weight is bitwise equal to the uninterrupted run's, and so is the loss scale
        var actual = TinyGan.WeightBytes(resumed);
        foreach (var (weight, bytes) in expected) Assert.True(bytes.AsSpan().SequenceEqual(actual[weight]), $"weight '{weight}' differs after resume");
        Assert.Equal(reference.GeneratorOptimizer.LossScale?.Scale, resumed.GeneratorOptimizer.LossScale?.Scale);
        Assert.Equal(reference.GeneratorOptimizer.LossScale?.GoodSteps, resumed.GeneratorOptimizer.LossScale?.GoodSteps);
        if (policy.NeedsLossScaling) Assert.NotEqual(32768, resumed.GeneratorOptimizer.LossScale!.Scale);
    }

    /// <summary>The tiny ring-of-8 GAN, built under <paramref name="policy"/>; float16 optimizers get a loss scale growing every <paramref name="growthSteps"/> steps.</summary>
    private static GanModel Create(DtypePolicy policy, GanLoss? loss = null, long seed = 7, int growthSteps = 2000)
    {
        RandomSeed.Set(seed);
        Sequential generator, discriminator;
        using (DtypePolicy.UseGlobal(policy))
        {
            generator = new Sequential(new Layer[] { new Dense(16, "relu"), new Dense(2) }, inputShape: new long[] { TinyGan.LatentDim }, name: "generator");
            discriminator = new Sequential(new Layer[] { new Dense(16), new LeakyReLU(0.2), new Dense(1) }, inputShape: new long[] { 2 }, name: "discriminator");
        }
        var gan = new GanModel(generator, discriminator, TinyGan.LatentDim, seed);
        DynamicLossScale? Scale() => policy.NeedsLossScaling && growthSteps != 2000 ? new DynamicLossScale(growthSteps: growthSteps) : null;
        gan.Compile(new Adam(1e-3, 0.5, 0.999) { LossScale = Scale() }, new Adam(1e-3, 0.5, 0.999) { LossScale = Scale() }, loss ?? new NonSaturatingLoss());
        return gan;
    }

    private static Sequential SmallCritic(DtypePolicy policy)
    {
        Sequential critic;
        using (DtypePolicy.UseGlobal(policy))
            critic = new Sequential(new Layer[] { new Dense(16), new Dense(1) }, inputShape: new long[] { 8 });
        using var noGrad = torch.no_grad();
        foreach (var variable in critic.TrainableVariables)
            if (variable.dim() == 2) variable.fill_(1e-5);
        return critic;
    }
}
