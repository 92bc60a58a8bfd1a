using Gan.Keras.Data;
using Gan.Keras.Losses;
using Gan.Keras.Models;
using TorchSharp;

namespace Gan.Keras.Training;

/// <summary>
/// The one training step of a <see cref="GanTrainer"/>, as Keras 3's <c>TorchTrainer.train_step</c>: n critic updates
/// on their own slices of real data (or all on the whole batch, <see cref="GanTrainer.CriticReusesRealBatch"/>), then one
/// generator update. <see cref="GanTrainer.TrainStep"/> and its two halves
/// call these, so an override can change a step and still reuse the halves. Nothing here reads the device.
/// </summary>
internal static class GanTrainStep
{
    /// <summary>One step on a batch; see <see cref="GanTrainer.TrainStep"/>.</summary>
    public static IReadOnlyDictionary<string, torch.Tensor> Run(GanTrainer gan, Batch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        int k = gan.DiscriminatorSteps;
        // Slices of real data: one per critic update, or one for all (keras-io's wgan_gp reuses its batch).
        int slices = gan.RealBatchesPerStep;
        if (batch.Size % slices != 0 || batch.Size < slices)
            throw new ArgumentException($"TrainStep received {batch.Size} examples, but DiscriminatorSteps = {k} needs a positive multiple of {k}: each discriminator update takes its own slice (set CriticReusesRealBatch to train every update on the whole batch).", nameof(batch));
        long n = batch.Size / slices;
        // The data's labels condition the networks only when the generator takes labels: an unconditional GAN trains on
        // labelled data (ring8's mixture components, MNIST's digits) as on unlabelled data.
        var dataLabels = gan.GeneratorInputs.OfType<LabelsInput>().Any() ? batch.Labels : null;
        torch.Tensor? dLoss = null, dReal = null, dFake = null, penalty = null;
        torch.Tensor? labels = null;
        for (int i = 0; i < k; i++)
        {
            var real = slices == 1 ? batch.Features : batch.Features.narrow(0, i * n, n);
            labels = dataLabels is null ? null : slices == 1 ? dataLabels : dataLabels.narrow(0, i * n, n);
            var result = gan.TrainDiscriminatorStep(real, gan.SampleGeneratorInputs(n, labels));
            dLoss = Sum(dLoss, result.Loss);
            dReal = Sum(dReal, result.RealScore);
            dFake = Sum(dFake, result.FakeScore);
            if (result.Penalty is { } p) penalty = Sum(penalty, p);
        }
        var gLoss = gan.TrainGeneratorStep(gan.SampleGeneratorInputs(n, labels));
        var logs = new Dictionary<string, torch.Tensor> { ["d_loss"] = Mean(dLoss!), ["g_loss"] = gLoss, ["d_real"] = Mean(dReal!), ["d_fake"] = Mean(dFake!) };
        if (penalty is not null) logs["d_penalty"] = Mean(penalty);
        return logs;

        static torch.Tensor Sum(torch.Tensor? total, torch.Tensor value) => total is null ? value : total + value;
        torch.Tensor Mean(torch.Tensor total) => k == 1 ? total : total / k;
    }

    /// <summary>One discriminator update; see <see cref="GanTrainer.TrainDiscriminatorStep(torch.Tensor, LatentBatch, torch.Tensor?)"/>.</summary>
    public static DiscriminatorStepResult Discriminator(GanTrainer gan, torch.Tensor real, LatentBatch inputs, torch.Tensor? realLabels)
    {
        ArgumentNullException.ThrowIfNull(real);
        ArgumentNullException.ThrowIfNull(inputs);
        var ganLoss = gan.Loss;
        var labels = inputs.Labels;
        using var scope = torch.NewDisposeScope();
        using var tape = new GradientTape();
        torch.Tensor fake;
        // The discriminator update does not train the generator: its samples are made without recording a graph.
        using (torch.no_grad()) fake = gan.GeneratorCall(inputs, training: true);
        var (realOutputs, fakeOutputs) = ScoreRealAndFake(gan, real, realLabels, fake, labels);
        var dLoss = ganLoss.DiscriminatorLoss(realOutputs[0], fakeOutputs[0]);
        for (int i = 0; i < gan.OutputLosses.Count; i++)
        {
            var output = gan.OutputLosses[i];
            if (RealTarget(output, realLabels) is { } realTarget) dLoss = dLoss + output.Weight * output.Loss.Call(realTarget, realOutputs[i + 1]);
            dLoss = dLoss + output.Weight * output.Loss.Call(FakeTarget(gan, output, inputs), fakeOutputs[i + 1]);
        }
        torch.Tensor? penalty = null;
        if (ganLoss.Penalty is { } gradientPenalty)
        {
            // Real and generated samples are interpolated row by row: the penalty conditions on the real samples' labels.
            penalty = gradientPenalty.Compute(x => gan.DiscriminatorCall(x, realLabels, training: true)[0], real, fake, gan.Noise, MixedPrecision.PenaltyScale(gan.DiscriminatorOptimizer));
            dLoss = dLoss + penalty;
        }
        var variables = gan.Discriminator.TrainableVariables;
        var grads = tape.Gradient(MixedPrecision.ScaledForGradient(dLoss, gan.DiscriminatorOptimizer), variables);
        gan.DiscriminatorOptimizer.ApplyGradients(grads, variables);
        using var noGrad = torch.no_grad();
        if ((gan.DiscriminatorWeightClip ?? ganLoss.CriticWeightClip) is { } clip)
            foreach (var variable in variables) variable.clamp_(-clip, clip);
        return new DiscriminatorStepResult(
            dLoss.detach().MoveToOuterDisposeScope(),
            ganLoss.Score(realOutputs[0]).mean().detach().MoveToOuterDisposeScope(),
            ganLoss.Score(fakeOutputs[0]).mean().detach().MoveToOuterDisposeScope(),
            penalty?.detach().MoveToOuterDisposeScope());
    }

    /// <summary>One generator update; see <see cref="GanTrainer.TrainGeneratorStep(LatentBatch)"/>.</summary>
    public static torch.Tensor Generator(GanTrainer gan, LatentBatch inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var ganLoss = gan.Loss;
        using var scope = torch.NewDisposeScope();
        using var tape = new GradientTape();
        var fakeOutputs = ToLossDtype(gan.DiscriminatorCall(Augment(gan, gan.GeneratorCall(inputs, training: true)), inputs.Labels, training: true));
        CheckOutputCount(gan, fakeOutputs);
        var gLoss = ganLoss.GeneratorLoss(fakeOutputs[0]);
        for (int i = 0; i < gan.OutputLosses.Count; i++)
        {
            var output = gan.OutputLosses[i];
            gLoss = gLoss + output.Weight * output.Loss.Call(FakeTarget(gan, output, inputs), fakeOutputs[i + 1]);
        }
        var variables = gan.Generator.TrainableVariables;
        var grads = tape.Gradient(MixedPrecision.ScaledForGradient(gLoss, gan.GeneratorOptimizer), variables);
        gan.GeneratorOptimizer.ApplyGradients(grads, variables);
        gan.AfterGeneratorUpdate();
        return gLoss.detach().MoveToOuterDisposeScope();
    }

    /// <summary>Discriminator outputs as losses take them: float32 under a mixed policy.</summary>
    private static torch.Tensor[] ToLossDtype(IReadOnlyList<torch.Tensor> outputs) => outputs.Select(MixedPrecision.ToLossDtype).ToArray();

    private static torch.Tensor Augment(GanTrainer gan, torch.Tensor samples) => gan.Augmentation?.Apply(samples, gan.RandomGenerator) ?? samples;

    /// <summary>The target of an extra output on real samples: the data's labels, or none (a code exists only for generated samples).</summary>
    private static torch.Tensor? RealTarget(OutputLoss output, torch.Tensor? labels) => output.Target.InputName is null ? labels : null;

    /// <summary>The target of an extra output on generated samples: the labels or the code the generator was given.</summary>
    private static torch.Tensor FakeTarget(GanTrainer gan, OutputLoss output, LatentBatch inputs)
    {
        if (output.Target.InputName is not { } name)
            return inputs.Labels ?? throw new ArgumentException("An output loss targets the class labels, but this batch has none: train on labelled data.");
        int index = gan.GeneratorInputs.Select(i => i.Name).ToList().IndexOf(name);
        return inputs.Inputs[index];
    }

    private static void CheckOutputCount(GanTrainer gan, torch.Tensor[] outputs)
    {
        if (outputs.Length != gan.OutputLosses.Count + 1)
            throw new InvalidOperationException(
                $"The discriminator '{gan.Discriminator.Name}' has {outputs.Length} output{(outputs.Length == 1 ? string.Empty : "s")}, but Compile was given a GAN loss for output 0 and {gan.OutputLosses.Count} output loss{(gan.OutputLosses.Count == 1 ? string.Empty : "es")}: give one OutputLoss per extra output.");
    }

    /// <summary>Scores real and generated samples, in two discriminator calls or, with <see cref="GanTrainer.ScoreRealAndFakeTogether"/>, in one.</summary>
    private static (IReadOnlyList<torch.Tensor> Real, IReadOnlyList<torch.Tensor> Fake) ScoreRealAndFake(
        GanTrainer gan, torch.Tensor real, torch.Tensor? realLabels, torch.Tensor fake, torch.Tensor? fakeLabels)
    {
        real = Augment(gan, real);
        fake = Augment(gan, fake);
        if (!gan.ScoreRealAndFakeTogether)
        {
            var realOutputs = ToLossDtype(gan.DiscriminatorCall(real, realLabels, training: true));
            CheckOutputCount(gan, realOutputs);
            return (realOutputs, ToLossDtype(gan.DiscriminatorCall(fake, fakeLabels, training: true)));
        }
        var both = ToLossDtype(gan.DiscriminatorCall(torch.cat(new[] { real, fake }), realLabels is null || fakeLabels is null ? null : torch.cat(new[] { realLabels, fakeLabels }), training: true));
        CheckOutputCount(gan, both);
        long n = real.shape[0];
        return (both.Select(o => o.narrow(0, 0, n)).ToArray(), both.Select(o => o.narrow(0, n, o.shape[0] - n)).ToArray());
    }
}
