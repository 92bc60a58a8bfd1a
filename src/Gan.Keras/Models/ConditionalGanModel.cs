using Gan.Keras.Data;
using Gan.Keras.Internal;
using Gan.Keras.Layers;
using TorchSharp;

namespace Gan.Keras.Models;

/// <summary>
/// A conditional GAN (Mirza &amp; Osindero, "Conditional Generative Adversarial Nets", 2014): class labels are fed to
/// both networks, so <see cref="GanModel.Generate"/> draws samples of chosen classes.
/// </summary>
/// <remarks>
/// Labels are fed as one-hot vectors concatenated to each network's input, as in the Keras example
/// "Conditional GAN" (keras.io/examples/generative/conditional_gan): the generator receives
/// <c>[latent ‖ one_hot(y)]</c>, <c>[batch, latentDim + numClasses]</c>; the discriminator receives the sample with
/// the one-hot vector appended: for flat samples <c>[batch, features + numClasses]</c>, for images (NCHW)
/// <c>numClasses</c> constant channels <c>[batch, channels + numClasses, h, w]</c>. Build the two models for those
/// input shapes; the data must be labelled (<see cref="InMemoryDataset.Labels"/>).
/// </remarks>
public sealed class ConditionalGanModel : GanModel
{
    /// <summary>Initializes a new instance of the <see cref="ConditionalGanModel"/> class.</summary>
    /// <param name="generator">Maps <c>[batch, latentDim + numClasses]</c> to samples.</param>
    /// <param name="discriminator">Maps samples with appended one-hot labels to one score per example.</param>
    /// <param name="latentDim">Size of the latent vector; positive.</param>
    /// <param name="numClasses">Number of classes (10 for MNIST); at least 2.</param>
    /// <param name="seed">Seed of the model's random stream; random when null.</param>
    public ConditionalGanModel(Model generator, Model discriminator, int latentDim, int numClasses, long? seed = null)
        : base(generator, discriminator, latentDim, seed, new long[] { (long)latentDim + CheckClasses(numClasses) })
    {
        NumClasses = numClasses;
    }

    /// <summary>Gets the number of classes.</summary>
    public override int NumClasses { get; }

    /// <summary>One training step on a labelled batch; see <see cref="Training.GanTrainer.TrainStep"/>.</summary>
    /// <exception cref="ArgumentException">The batch has no labels, or a label is outside [0, NumClasses).</exception>
    public override IReadOnlyDictionary<string, torch.Tensor> TrainStep(Batch batch)
    {
        RequireLabels(batch);
        return base.TrainStep(batch);
    }

    /// <inheritdoc />
    protected override void ValidateBatch(Batch batch)
    {
        // Checked on the CPU batch, before it moves: no device read in the training step.
        CheckLabels(RequireLabels(batch), nameof(batch));
    }

    /// <summary>The labels given (checked against the classes and the batch), or ascending ones (<c>i · NumClasses / count</c>): with 10 × NumClasses latent vectors, one class per grid row.</summary>
    private protected override torch.Tensor ConditioningLabels(long count, torch.Tensor? labels)
    {
        if (labels is null) return torch.tensor(Enumerable.Range(0, (int)count).Select(i => (long)(i * NumClasses / count)).ToArray(), torch.int64);
        CheckLabels(labels, nameof(labels));
        if (labels.shape[0] != count)
            throw new ArgumentException($"Got {count} latent vectors but {labels.shape[0]} labels; give one label per latent vector.", nameof(labels));
        return labels;
    }

    /// <inheritdoc />
    protected internal override torch.Tensor GeneratorCall(torch.Tensor latent, torch.Tensor? labels, bool training)
    {
        ArgumentNullException.ThrowIfNull(latent);
        using var oneHot = OneHot(labels, latent);
        using var input = torch.cat(new[] { latent, oneHot }, 1);
        return Generator.Call(input, training);
    }

    /// <inheritdoc />
    protected internal override torch.Tensor DiscriminatorCall(torch.Tensor samples, torch.Tensor? labels, bool training)
    {
        ArgumentNullException.ThrowIfNull(samples);
        using var scope = torch.NewDisposeScope();
        var oneHot = OneHot(labels, samples);
        torch.Tensor conditioned;
        if (samples.dim() == 2)
        {
            conditioned = torch.cat(new[] { samples, oneHot }, 1);
        }
        else if (samples.dim() == 4)
        {
            var maps = oneHot.reshape(oneHot.shape[0], NumClasses, 1, 1).expand(-1, -1, samples.shape[2], samples.shape[3]);
            conditioned = torch.cat(new[] { samples, maps }, 1);
        }
        else
        {
            throw new IncompatibleInputException(
                $"ConditionalGanModel can condition flat samples [batch, features] or images [batch, channels, h, w], but received {Shapes.Format(samples.shape)}.",
                new long[] { -1 }, samples.shape);
        }
        return Discriminator.Call(conditioned, training).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    protected internal override IReadOnlyList<long> DiscriminatorInputShape(IReadOnlyList<long> elementShape)
    {
        ArgumentNullException.ThrowIfNull(elementShape);
        return elementShape.Count switch
        {
            1 => new[] { elementShape[0] + NumClasses },
            3 => new[] { elementShape[0] + NumClasses, elementShape[1], elementShape[2] },
            _ => throw new IncompatibleInputException(
                $"ConditionalGanModel can condition flat examples [features] or images [channels, h, w], but the data's examples have shape {Shapes.FormatWithBatch(elementShape)}.",
                new long[] { -1 }, elementShape),
        };
    }

    private torch.Tensor OneHot(torch.Tensor? labels, torch.Tensor like)
    {
        if (labels is null)
            throw new InvalidOperationException("ConditionalGanModel needs labels for every generator and discriminator call; this call had none.");
        if (labels.dim() != 1 || labels.shape[0] != like.shape[0])
            throw new ArgumentException($"Labels must have shape [{like.shape[0]}] (one per example), but got {Shapes.Format(labels.shape)}.", nameof(labels));
        using var classes = labels.to(torch.int64);
        using var oneHot = torch.nn.functional.one_hot(classes, NumClasses);
        return oneHot.to(like.dtype, like.device);
    }

    private static torch.Tensor RequireLabels(Batch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return batch.Labels ?? throw new ArgumentException("ConditionalGanModel needs labelled data, but the batch has no labels. Load a dataset with labels (e.g. Mnist.Load keeps them).", nameof(batch));
    }

    private void CheckLabels(torch.Tensor labels, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(labels, parameterName);
        if (labels.dim() != 1 || labels.numel() == 0)
            throw new ArgumentException($"Labels must be a non-empty 1-D tensor [batch], but got {Shapes.Format(labels.shape)}.", parameterName);
        var ends = Training.HostReads.Read(torch.stack(new[] { labels.min(), labels.max() })); // one counted device read per batch
        long min = (long)ends[0], max = (long)ends[1];
        if (min < 0 || max >= NumClasses)
            throw new ArgumentException($"Labels must be class indices in [0, {NumClasses}), but got values from {min} to {max}. Check numClasses or the data's labels.", parameterName);
    }

    private static int CheckClasses(int numClasses)
    {
        if (numClasses < 2) throw new ArgumentOutOfRangeException(nameof(numClasses), numClasses, "A conditional GAN needs at least 2 classes.");
        return numClasses;
    }
}
