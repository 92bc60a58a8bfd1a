using Gan.Keras.Data;
using Gan.Keras.Losses;
using Gan.Keras.Models;
using Gan.Keras.Optimizers;
using Gan.Keras.Training;
using TorchSharp;

namespace Gan.Keras.Parity;

/// <summary>
/// Replays a golden trace step by step from its stored weights and batches, with exactly the formulas its metadata
/// states, and measures the differences. By default every trace is replayed by Gan.Keras itself (<see cref="GanModel"/>
/// with the library's layers, losses and optimizers); <c>reference: true</c> replays <c>semantics: torch</c> traces
/// with the raw TorchSharp port (<see cref="TorchReferenceGan"/>) instead, for diagnosis. Tolerances come from
/// <see cref="ParityTolerances"/>, keyed by the trace's framework family; a trace's metadata never changes them.
/// </summary>
public static class ParityRunner
{
    /// <summary>Replays a trace and compares.</summary>
    /// <param name="trace">The loaded trace.</param>
    /// <param name="reference">Replay a torch trace with the raw TorchSharp port instead of Gan.Keras.</param>
    /// <exception cref="InvalidDataException">The trace's loss or semantics is not one parity can replay.</exception>
    public static ParityReport Run(GoldenTrace trace, bool reference = false)
    {
        ArgumentNullException.ThrowIfNull(trace);
        if (trace.Optional("format") == SequentialTrace.Format)
        {
            if (reference)
                throw new InvalidDataException($"'{trace.Path}': {SequentialTrace.Format} traces are replayed by Gan.Keras only; the raw TorchSharp reference ports the seed MLP and WGAN-GP traces.");
            return RunSequential(trace);
        }
        bool keras = trace.Semantics == "keras";
        if (reference && keras)
            throw new InvalidDataException($"'{trace.Path}': the raw TorchSharp reference replays torch-semantics traces only; this one has keras semantics.");
        if (trace.IsWganGp && keras)
            throw new InvalidDataException($"'{trace.Path}': WGAN-GP traces with keras semantics are not supported; only torch.");
        if (!trace.IsWganGp && !trace.LossName.StartsWith("bce", StringComparison.Ordinal))
            throw new InvalidDataException($"'{trace.Path}': loss '{trace.LossName}' is not one parity can replay (bce-nonsaturating, wgan-gp).");
        if (!reference && trace.IsWganGp) return RunWithGanModel(trace);

        using var scope = torch.NewDisposeScope();
        torch.set_grad_enabled(true);
        var generator = MlpSpec.FromTrace(trace, "generator");
        var discriminator = MlpSpec.FromTrace(trace, "discriminator");
        var init = trace.Weights("init");

        float[] dOurs, gOurs;
        Dictionary<string, torch.Tensor> finalWeights;
        string implementation;
        if (trace.IsWganGp)
        {
            (dOurs, gOurs, finalWeights) = ReplayWganGp(trace, generator, discriminator, init);
            implementation = "TorchSharp reference (raw nn.Linear, torch.optim.Adam, autograd double backward)";
        }
        else if (reference)
        {
            (dOurs, gOurs, finalWeights) = ReplayTorchBce(trace, generator, discriminator, init);
            implementation = "TorchSharp reference (raw nn.Linear, BCELoss, torch.optim.Adam)";
        }
        else
        {
            (dOurs, gOurs, finalWeights) = ReplayBce(trace, generator, discriminator, init);
            implementation = "Gan.Keras (Sequential of Dense, BinaryCrossentropy, Adam, GanModel steps)";
        }

        return CreateReport(trace, dOurs, gOurs, finalWeights, implementation);
    }

    /// <summary>
    /// Replays a WGAN-GP trace (<c>semantics: torch</c>) with Gan.Keras itself rather than the raw TorchSharp reference:
    /// a <see cref="Models.Sequential"/> of <see cref="Layers.Dense"/> layers, <see cref="WassersteinGpLoss"/>,
    /// <see cref="Models.GanModel.Fit"/> with <see cref="Training.GanTrainer.DiscriminatorSteps"/> = <c>n_critic</c>,
    /// <see cref="Adam"/> with PyTorch's update rule, and the trace's latent vectors and coefficients replayed through a
    /// <see cref="RecordedNoiseSource"/>. This checks the library's loss, penalty and critic schedule, not a port.
    /// </summary>
    /// <param name="trace">A loaded WGAN-GP trace with torch semantics.</param>
    public static ParityReport RunWithGanModel(GoldenTrace trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        if (!trace.IsWganGp || trace.Semantics != "torch")
            throw new InvalidDataException($"'{trace.Path}': RunWithGanModel replays WGAN-GP traces with torch semantics; this one is '{trace.LossName}' with {trace.Semantics} semantics.");
        using var scope = torch.NewDisposeScope();
        torch.set_grad_enabled(true);
        var (real, zCritic, alpha, zG) = (trace.Tensor("batches.real"), trace.Tensor("batches.z_critic"), trace.Tensor("batches.alpha"), trace.Tensor("batches.z_g"));
        int nCritic = (int)trace.Number("n_critic");
        int generatorSteps = (int)zG.shape[0];
        int batchSize = (int)real.shape[1];
        if (real.shape[0] != (long)nCritic * generatorSteps)
            throw new InvalidDataException($"'{trace.Path}': {real.shape[0]} critic batches, but n_critic = {nCritic} and {generatorSteps} generator steps need {nCritic * generatorSteps}.");
        var generator = KerasMlpGanFactory.BuildModel(MlpSpec.FromTrace(trace, "generator"), "generator");
        var discriminator = KerasMlpGanFactory.BuildModel(MlpSpec.FromTrace(trace, "discriminator"), "discriminator");
        using var gan = new RecordingGanModel(generator, discriminator, (int)generator.InputShape![0]) { DiscriminatorSteps = nCritic };
        gan.AssignWeights(trace.Weights("init"), trace.Path);
        Adam NewAdam() => new(trace.Number("lr"), trace.Number("beta1"), trace.Number("beta2"), trace.Number("epsilon"), AdamUpdateRule.Algorithm1, BetaPowersFromMetadata(trace));
        gan.Compile(NewAdam(), NewAdam(), new WassersteinGpLoss(trace.Number("gp_weight")));
        using var noise = new RecordedNoiseSource();
        for (int s = 0; s < generatorSteps; s++)
        {
            for (int k = s * nCritic; k < (s + 1) * nCritic; k++)
            {
                noise.EnqueueNormal(zCritic[k]);
                noise.EnqueueUniform(alpha[k]);
            }
            noise.EnqueueNormal(zG[s]);
        }
        gan.Noise = noise;
        using var data = new InMemoryDataset(real.reshape(-1, real.shape[2]), name: Path.GetFileName(trace.Path));
        gan.Fit(data, epochs: 1, batchSize: batchSize, shuffle: false, verbose: Gan.Keras.Training.FitVerbosity.Silent);
        if (noise.Remaining != 0)
            throw new InvalidOperationException($"The replay left {noise.Remaining} recorded draws unused; GanModel consumed noise differently from the trace's order.");
        var weights = gan.WeightTensors().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());
        return CreateReport(trace, gan.DiscriminatorLosses.ToArray(), gan.GeneratorLosses.ToArray(), weights,
            "Gan.Keras (Sequential of Dense, WassersteinGpLoss, GanModel.Fit with DiscriminatorSteps, Adam Algorithm1)");
    }

    /// <summary>
    /// Replays a <c>gan-keras-trace/2</c> trace with Gan.Keras: the networks, loss and optimizers its metadata
    /// describes (<see cref="SequentialTrace"/>), one <see cref="Training.GanTrainer.TrainDiscriminatorStep(torch.Tensor, LatentBatch, torch.Tensor?)"/> and one
    /// <see cref="Training.GanTrainer.TrainGeneratorStep(LatentBatch)"/> per recorded step, the generator's average when <c>ema_decay</c> is set,
    /// and the inference-mode output on <c>eval.z</c> when recorded.
    /// </summary>
    private static ParityReport RunSequential(GoldenTrace trace)
    {
        using var scope = torch.NewDisposeScope();
        torch.set_grad_enabled(true);
        var (real, zD, zG) = (trace.Tensor("batches.real"), trace.Tensor("batches.z_d"), trace.Tensor("batches.z_g"));
        using var gan = new GanModel(SequentialTrace.BuildModel(trace, "generator"), SequentialTrace.BuildModel(trace, "discriminator"), (int)zD.shape[2], seed: 0);
        gan.AssignWeights(trace.Weights("init"), trace.Path);
        if (trace.Optional("ema_decay") is not null) gan.GeneratorEmaDecay = trace.Number("ema_decay");
        gan.Compile(SequentialTrace.Optimizer(trace), SequentialTrace.Optimizer(trace), SequentialTrace.Loss(trace));
        int steps = (int)real.shape[0];
        var dLosses = new float[steps];
        var gLosses = new float[steps];
        for (int k = 0; k < steps; k++)
        {
            dLosses[k] = StepValue(gan.TrainDiscriminatorStep(real[k], zD[k]).Loss);
            gLosses[k] = StepValue(gan.TrainGeneratorStep(zG[k]));
        }
        var weights = gan.WeightTensors().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());
        double? inference = null;
        if (trace.Contains("eval.z"))
        {
            using var output = gan.GenerateFrom(trace.Tensor("eval.z"));
            inference = (output - trace.Tensor("eval.generator")).abs().max().item<float>();
        }
        string layers = string.Join(", ", gan.Generator.SubLayers.Concat(gan.Discriminator.SubLayers).Select(l => l.GetType().Name).Distinct());
        return CreateReport(trace, dLosses, gLosses, weights,
            $"Gan.Keras (GanModel steps; {layers}; {gan.Loss.GetType().Name}; {gan.DiscriminatorOptimizer.GetType().Name})", inference);
    }

    private static ParityReport CreateReport(GoldenTrace trace, float[] dOurs, float[] gOurs, Dictionary<string, torch.Tensor> finalWeights, string implementation,
        double? inference = null)
    {
        var tolerance = ParityTolerances.For(trace.Semantics);
        var dRecorded = trace.Tensor("losses.d").data<float>().ToArray();
        var gRecorded = trace.Tensor("losses.g").data<float>().ToArray();
        double finalDiff = 0;
        foreach (var (name, tensor) in trace.Weights("final"))
        {
            if (!finalWeights.TryGetValue(name, out var ours))
                throw new InvalidDataException($"'{trace.FinalPath}': final weight '{name}' has no counterpart in the replayed model.");
            finalDiff = Math.Max(finalDiff, (ours - tensor).abs().max().item<float>());
        }
        return new ParityReport
        {
            Trace = trace.Path,
            Framework = trace.Optional("framework") ?? "unknown",
            Semantics = trace.Semantics,
            Loss = trace.LossName,
            Implementation = implementation,
            DiscriminatorSteps = dOurs.Length,
            GeneratorSteps = gOurs.Length,
            DLossFirst5 = MaxAbs(dOurs, dRecorded, 5),
            GLossFirst5 = MaxAbs(gOurs, gRecorded, 5),
            DLossAll = MaxAbs(dOurs, dRecorded, int.MaxValue),
            GLossAll = MaxAbs(gOurs, gRecorded, int.MaxValue),
            FinalWeights = finalDiff,
            InferenceOutput = inference,
            ToleranceFirst5 = tolerance.First5Steps,
            ToleranceAll = tolerance.AllSteps,
            ToleranceFinalWeights = tolerance.FinalWeights,
        };
    }

    /// <summary>Reads Adam's update rule from a keras trace's <c>adam_update</c> formula.</summary>
    public static AdamUpdateRule AdamRuleFromMetadata(GoldenTrace trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        string? formula = trace.Optional("adam_update");
        if (formula is null) return AdamUpdateRule.Keras;
        string compact = formula.Replace(" ", string.Empty, StringComparison.Ordinal);
        if (compact.Contains("sqrt(v_hat)+eps", StringComparison.Ordinal)) return AdamUpdateRule.Algorithm1;
        if (compact.Contains("sqrt(v)+eps", StringComparison.Ordinal) || compact.Contains("epsilon_hat", StringComparison.Ordinal) || compact.Contains("epsilonhat", StringComparison.Ordinal))
            return AdamUpdateRule.Keras;
        throw new InvalidDataException($"'{trace.Path}': cannot tell which Adam rule adam_update = '{formula}' describes.");
    }

    private static (float[], float[], Dictionary<string, torch.Tensor>) ReplayTorchBce(GoldenTrace trace, MlpSpec g, MlpSpec d, IReadOnlyDictionary<string, torch.Tensor> init)
    {
        using var gan = new TorchReferenceGan(g, d, init, trace.Number("lr"), trace.Number("beta1"), trace.Number("beta2"), trace.Number("epsilon"));
        var (real, zD, zG) = (trace.Tensor("batches.real"), trace.Tensor("batches.z_d"), trace.Tensor("batches.z_g"));
        int steps = (int)real.shape[0];
        var dLosses = new float[steps];
        var gLosses = new float[steps];
        for (int k = 0; k < steps; k++)
        {
            var (dl, gl, _, _) = gan.BceStep(real[k], zD[k], zG[k]);
            (dLosses[k], gLosses[k]) = ((float)dl, (float)gl);
        }
        return (dLosses, gLosses, gan.KerasLayoutWeights());
    }

    private static (float[], float[], Dictionary<string, torch.Tensor>) ReplayWganGp(GoldenTrace trace, MlpSpec g, MlpSpec d, IReadOnlyDictionary<string, torch.Tensor> init)
    {
        using var gan = new TorchReferenceGan(g, d, init, trace.Number("lr"), trace.Number("beta1"), trace.Number("beta2"), trace.Number("epsilon"));
        var (real, zCritic, alpha, zG) = (trace.Tensor("batches.real"), trace.Tensor("batches.z_critic"), trace.Tensor("batches.alpha"), trace.Tensor("batches.z_g"));
        int nCritic = (int)trace.Number("n_critic");
        int generatorSteps = (int)zG.shape[0];
        double weight = trace.Number("gp_weight");
        var dLosses = new List<float>();
        var gLosses = new List<float>();
        for (int s = 0; s < generatorSteps; s++)
        {
            for (int k = s * nCritic; k < (s + 1) * nCritic; k++)
                dLosses.Add((float)gan.CriticStep(real[k], zCritic[k], alpha[k], weight).DLoss);
            gLosses.Add((float)gan.WassersteinGeneratorStep(zG[s]));
        }
        return (dLosses.ToArray(), gLosses.ToArray(), gan.KerasLayoutWeights());
    }

    private static (float[], float[], Dictionary<string, torch.Tensor>) ReplayBce(GoldenTrace trace, MlpSpec g, MlpSpec d, IReadOnlyDictionary<string, torch.Tensor> init)
    {
        // torch traces: PyTorch's Adam (Algorithm 1, βᵗ in float64) and BCELoss (no clipping: libtorch's
        // binary_cross_entropy, which Keras's torch backend also calls after clipping to [1e-7, 1 − 1e-7]).
        var rule = trace.Semantics == "torch" ? AdamUpdateRule.Algorithm1 : AdamRuleFromMetadata(trace);
        double clip = trace.Optional("bce_clip_epsilon") is null ? 1e-7 : trace.Number("bce_clip_epsilon");
        using var gan = KerasMlpGanFactory.Create(g, d, init,
            () => new Adam(trace.Number("lr"), trace.Number("beta1"), trace.Number("beta2"), trace.Number("epsilon"), rule, BetaPowersFromMetadata(trace)),
            BceFromMetadata(clip));
        var (real, zD, zG) = (trace.Tensor("batches.real"), trace.Tensor("batches.z_d"), trace.Tensor("batches.z_g"));
        int steps = (int)real.shape[0];
        var dLosses = new float[steps];
        var gLosses = new float[steps];
        for (int k = 0; k < steps; k++)
        {
            using var scope = torch.NewDisposeScope();
            dLosses[k] = StepValue(gan.TrainDiscriminatorStep(real[k], zD[k]).Loss);
            gLosses[k] = StepValue(gan.TrainGeneratorStep(zG[k]));
        }
        return (dLosses, gLosses, gan.WeightTensors().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone()));
    }

    /// <summary>Reads how βᵗ was computed from <c>adam_update</c> ("kept as float32 running product" in TensorFlow.js traces).</summary>
    public static BetaPowerPrecision BetaPowersFromMetadata(GoldenTrace trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        string formula = trace.Optional("adam_update") ?? string.Empty;
        if (formula.Contains("float32 running product", StringComparison.Ordinal)) return BetaPowerPrecision.Float32RunningProduct;
        return trace.Semantics == "keras" ? BetaPowerPrecision.VariableDtype : BetaPowerPrecision.DoublePrecision;
    }

    /// <summary>
    /// The library's probability BCE, clipped to the trace's bound. TensorFlow.js computes it through a logit round trip
    /// (its <c>bce_impl</c>); equal in exact arithmetic, and within the keras tolerances in float32 (docs/parity.md).
    /// </summary>
    private static BinaryCrossentropy BceFromMetadata(double clip) => new(fromLogits: false, epsilon: clip);

    /// <summary>
    /// The one place a replay reads a value that a <see cref="GanModel"/> step returned (loss or score), so that a
    /// change of the step API is a change here alone. Steps return detached scalars on the device; a replay reads each.
    /// </summary>
    private static float StepValue(torch.Tensor value) => value.item<float>();

    private static double MaxAbs(float[] ours, float[] recorded, int firstN)
    {
        if (ours.Length != recorded.Length)
            throw new InvalidDataException($"Replay produced {ours.Length} losses but the trace records {recorded.Length}.");
        double max = 0;
        for (int i = 0; i < Math.Min(firstN, ours.Length); i++) max = Math.Max(max, Math.Abs((double)ours[i] - recorded[i]));
        return max;
    }

    /// <summary>A GanModel that records every critic and generator loss it applies (the trace records each one).</summary>
    private sealed class RecordingGanModel(Model generator, Model discriminator, int latentDim) : GanModel(generator, discriminator, latentDim, seed: 0)
    {
        public List<float> DiscriminatorLosses { get; } = new();

        public List<float> GeneratorLosses { get; } = new();

        public override DiscriminatorStepResult TrainDiscriminatorStep(torch.Tensor real, LatentBatch generatorInputs, torch.Tensor? realLabels = null)
        {
            var result = base.TrainDiscriminatorStep(real, generatorInputs, realLabels);
            DiscriminatorLosses.Add(StepValue(result.Loss));
            return result;
        }

        public override torch.Tensor TrainGeneratorStep(LatentBatch generatorInputs)
        {
            var loss = base.TrainGeneratorStep(generatorInputs);
            GeneratorLosses.Add(StepValue(loss));
            return loss;
        }
    }
}
