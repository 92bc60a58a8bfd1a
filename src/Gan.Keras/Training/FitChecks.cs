using Gan.Keras.Internal;
using Gan.Keras.Layers;
using Gan.Keras.Models;

namespace Gan.Keras.Training;

/// <summary>The checks <see cref="FitLoop"/> makes before the first step: the data against both networks, and options against the layers.</summary>
internal static class FitChecks
{
    /// <summary>Checks the dataset's example shape against the generator's output and the discriminator's input, then builds the discriminator.</summary>
    /// <exception cref="IncompatibleInputException">A shape does not match; the message says which and how to fix it.</exception>
    public static void CheckDataShape(GanModel gan, IReadOnlyList<long> elementShape)
    {
        var generated = (gan.Generator.OutputShapes ?? gan.Generator.ComputeOutputShapes(gan.GeneratorInputShapes))[0];
        var discriminatorInput = gan.DiscriminatorInputShape(elementShape);
        var discriminator = gan.Discriminator;
        var builtFor = discriminator.InputShapes?[0];
        if (builtFor is not null && !Shapes.Equal(builtFor, discriminatorInput))
            throw new IncompatibleInputException(
                $"The discriminator '{discriminator.Name}' expects examples of shape {Shapes.FormatWithBatch(builtFor)}, but the dataset's examples have shape {Shapes.FormatWithBatch(elementShape)}" +
                (Shapes.Equal(discriminatorInput, elementShape) ? ". " : $", which makes discriminator inputs of shape {Shapes.FormatWithBatch(discriminatorInput)}. ") +
                "Flatten or reshape the data (or the discriminator's input) so they match.",
                builtFor, discriminatorInput);
        if (!Shapes.Equal(generated, elementShape))
            throw new IncompatibleInputException(
                $"The generator '{gan.Generator.Name}' produces samples of shape {Shapes.FormatWithBatch(generated)}, but the dataset's examples have shape {Shapes.FormatWithBatch(elementShape)}. " +
                "Change the generator's output layer (or add a Reshape) to match the data.",
                elementShape, generated);
        if (!discriminator.Built) discriminator.Build(discriminatorInput);
    }

    /// <summary>Refuses scoring real and generated samples in one call when a layer's output depends on the whole batch (<see cref="Layer.MixesBatch"/>).</summary>
    /// <exception cref="InvalidOperationException">The model has such a layer (batch normalisation).</exception>
    public static void CheckNoBatchMixingLayer(Layer model)
    {
        var mixing = Mixing(model);
        if (mixing is not null)
            throw new InvalidOperationException(
                $"ScoreRealAndFakeTogether needs a discriminator without batch-dependent layers, but '{mixing.DisplayName}' ({mixing.GetType().Name}) mixes the examples of a batch: one call would normalize real and generated samples together. Leave the option off, or remove that layer from the discriminator.");

        static Layer? Mixing(Layer layer) =>
            !layer.MixesBatch ? null : layer.SubLayers.Select(Mixing).FirstOrDefault(l => l is not null) ?? layer;
    }
}
