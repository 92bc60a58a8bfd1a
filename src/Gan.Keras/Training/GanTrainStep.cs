using Gan.Keras.Data;
using Gan.Keras.Losses;
using Gan.Keras.Models;
using TorchSharp;

namespace Gan.Keras.Training;

/// <summary>
/// The one training step of a <see cref="GanTrainer"/>, as Keras 3's <c>TorchTrainer.train_step</c>: n critic updates
/// on their own slices of real data, then one generator update. <see cref="GanTrainer.TrainStep"/> and its two halves
/// call these, so an override can change a step and still reuse the halves. Nothing here reads the device.
/// </summary>
internal static class GanTrainStep
{
    /// <summary>One step on a batch; see <see cref="GanTrainer.TrainStep"/>.</summary>
    public static IReadOnlyDictionary<string, torch.Tensor> Run(GanTrainer gan, Batch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        int k = gan.DiscriminatorSteps;
        if (batch.Size % k != 0 || batch.Size < k)
            throw new ArgumentException($"TrainStep received {batch.Size} examples, but DiscriminatorSteps = {k} needs a positive multiple of {k}: each discriminator update takes its own slice.", nameof(batch));
        long n = batch.Size / k;
        torch.Tensor? dLoss = null, dReal = null, dFake = null, penalty = null;
        torch.Tensor? labels = null;
        for (int i = 0; i < k; i++)
        {
            var real = k == 1 ? batch.Features : batch.Features.narrow(0, i * n, n);
            labels = batch.Labels is null ? null : k == 1 ? batch.Labels : batch.Labels.narrow(0, i * n, n);
            var result = gan.TrainDiscriminatorStep(real, gan.SampleLatent(n), labels);
            dLoss = Sum(dLoss, result.Loss);
            dReal = Sum(dReal, result.RealScore);
            dFake = Sum(dFake, result.FakeScore);
            if (result.Penalty is { } p) penalty = Sum(penalty, p);
        }
        var gLoss = gan.TrainGeneratorStep(gan.SampleLatent(n), labels);
        var logs = new Dictionary<string, torch.Tensor> { ["d_loss"] = Mean(dLoss!), ["g_loss"] = gLoss, ["d_real"] = Mean(dReal!), ["d_fake"] = Mean(dFake!) };
        if (penalty is not null) logs["d_penalty"] = Mean(penalty);
        return logs;

        static torch.Tensor Sum(torch.Tensor? total, torch.Tensor value) => total is null ? value : total + value;
        torch.Tensor Mean(torch.Tensor total) => k == 1 ? total : total / k;
    }

    /// <summary>One discriminator update; see <see cref="GanTrainer.TrainDiscriminatorStep"/>.</summary>
    public static DiscriminatorStepResult Discriminator(GanTrainer gan, torch.Tensor real, torch.Tensor latent, torch.Tensor? labels)
    {
        ArgumentNullException.ThrowIfNull(real);
        ArgumentNullException.ThrowIfNull(latent);
        var ganLoss = gan.Loss;
        using var scope = torch.NewDisposeScope();
        using var tape = new GradientTape();
        torch.Tensor fake;
        // The discriminator update does not train the generator: its samples are made without recording a graph.
        using (torch.no_grad()) fake = gan.GeneratorCall(latent, labels, training: true);
        var (realOutput, fakeOutput) = ScoreRealAndFake(gan, real, fake, labels);
        var dLoss = ganLoss.DiscriminatorLoss(realOutput, fakeOutput);
        torch.Tensor? penalty = null;
        if (ganLoss.Penalty is { } gradientPenalty)
        {
            penalty = gradientPenalty.Compute(x => gan.DiscriminatorCall(x, labels, training: true), real, fake, gan.Noise, MixedPrecision.PenaltyScale(gan.DiscriminatorOptimizer));
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
            ganLoss.Score(realOutput).mean().detach().MoveToOuterDisposeScope(),
            ganLoss.Score(fakeOutput).mean().detach().MoveToOuterDisposeScope(),
            penalty?.detach().MoveToOuterDisposeScope());
    }

    /// <summary>One generator update; see <see cref="GanTrainer.TrainGeneratorStep"/>.</summary>
    public static torch.Tensor Generator(GanTrainer gan, torch.Tensor latent, torch.Tensor? labels)
    {
        ArgumentNullException.ThrowIfNull(latent);
        var ganLoss = gan.Loss;
        using var scope = torch.NewDisposeScope();
        using var tape = new GradientTape();
        var fakeOutput = MixedPrecision.ToLossDtype(gan.DiscriminatorCall(Augment(gan, gan.GeneratorCall(latent, labels, training: true)), labels, training: true));
        var gLoss = ganLoss.GeneratorLoss(fakeOutput);
        var variables = gan.Generator.TrainableVariables;
        var grads = tape.Gradient(MixedPrecision.ScaledForGradient(gLoss, gan.GeneratorOptimizer), variables);
        gan.GeneratorOptimizer.ApplyGradients(grads, variables);
        gan.AfterGeneratorUpdate();
        return gLoss.detach().MoveToOuterDisposeScope();
    }

    private static torch.Tensor Augment(GanTrainer gan, torch.Tensor samples) => gan.Augmentation?.Apply(samples, gan.RandomGenerator) ?? samples;

    /// <summary>Scores real and generated samples, in two discriminator calls or, with <see cref="GanTrainer.ScoreRealAndFakeTogether"/>, in one.</summary>
    private static (torch.Tensor Real, torch.Tensor Fake) ScoreRealAndFake(GanTrainer gan, torch.Tensor real, torch.Tensor fake, torch.Tensor? labels)
    {
        real = Augment(gan, real);
        fake = Augment(gan, fake);
        if (!gan.ScoreRealAndFakeTogether)
            return (MixedPrecision.ToLossDtype(gan.DiscriminatorCall(real, labels, training: true)), MixedPrecision.ToLossDtype(gan.DiscriminatorCall(fake, labels, training: true)));
        var both = MixedPrecision.ToLossDtype(gan.DiscriminatorCall(torch.cat(new[] { real, fake }), labels is null ? null : torch.cat(new[] { labels, labels }), training: true));
        long n = real.shape[0];
        return (both.narrow(0, 0, n), both.narrow(0, n, both.shape[0] - n));
    }
}
