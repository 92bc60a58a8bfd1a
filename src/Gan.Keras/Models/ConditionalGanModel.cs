using Gan.Keras.Export.Onnx;
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
/// input shapes; the data must be labelled (<see cref="Data.InMemoryDataset.Labels"/>).
/// </remarks>
public class ConditionalGanModel : GanModel
{
    /// <summary>Initializes a new instance of the <see cref="ConditionalGanModel"/> class.</summary>
    /// <param name="generator">Maps <c>[batch, latentDim + numClasses]</c> to samples.</param>
    /// <param name="discriminator">Maps samples with appended one-hot labels to one score per example.</param>
    /// <param name="latentDim">Size of the latent vector; positive.</param>
    /// <param name="numClasses">Number of classes (10 for MNIST); at least 2.</param>
    /// <param name="seed">Seed of the model's random stream; random when null.</param>
    public ConditionalGanModel(Model generator, Model discriminator, int latentDim, int numClasses, long? seed = null)
        : base(generator, discriminator, new[] { GeneratorInput.Latent(latentDim), GeneratorInput.Labels(numClasses, column: false) }, seed,
            new long[] { (long)latentDim + numClasses })
    {
    }

    /// <inheritdoc />
    /// <remarks>The generator receives <c>[latent ‖ one_hot(labels)]</c>.</remarks>
    protected internal override torch.Tensor GeneratorCall(LatentBatch inputs, bool training)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        using var oneHot = OneHot(inputs.Labels, inputs.Latent);
        using var input = torch.cat(new[] { inputs.Latent, oneHot }, 1);
        return Generator.Call(input, training);
    }

    /// <inheritdoc />
    protected internal override IReadOnlyList<torch.Tensor> DiscriminatorCall(torch.Tensor samples, torch.Tensor? labels, bool training)
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
        return new[] { Discriminator.Call(conditioned, training).MoveToOuterDisposeScope() };
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

    /// <inheritdoc />
    /// <remarks>Labels become one-hot rows of an identity table (a Gather, as an Embedding lookup), joined to the latent vector by a Concat.</remarks>
    protected internal override string ExportGeneratorGraph(OnnxExportContext onnx, IReadOnlyList<string> inputs)
    {
        ArgumentNullException.ThrowIfNull(onnx);
        ArgumentNullException.ThrowIfNull(inputs);
        onnx.SetRootStem("one_hot");
        var identity = new float[NumClasses * NumClasses];
        for (int i = 0; i < NumClasses; i++) identity[i * NumClasses + i] = 1;
        string table = onnx.AddFloats("table", new long[] { NumClasses, NumClasses }, identity);
        string indices = onnx.AddNode("Cast", [inputs[1]], OnnxAttribute.Int("to", 7 /* INT64 */));
        string oneHot = onnx.AddNode("Gather", [table, indices], OnnxAttribute.Int("axis", 0));
        onnx.SetRootStem("condition");
        string joined = onnx.AddNode("Concat", [inputs[0], oneHot], OnnxAttribute.Int("axis", 1));
        return onnx.ExportRoot(Generator, new[] { joined })[0];
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
}
