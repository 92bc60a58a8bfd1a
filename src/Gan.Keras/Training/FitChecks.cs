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
        var generated = gan.Generator.OutputShape ?? gan.Generator.ComputeOutputShape(gan.GeneratorInputShape);
        var discriminatorInput = gan.DiscriminatorInputShape(elementShape);
        var discriminator = gan.Discriminator;
        if (discriminator.Built && !Shapes.Equal(discriminator.InputShape!, discriminatorInput))
            throw new IncompatibleInputException(
                $"The discriminator '{discriminator.Name}' expects examples of shape {Shapes.FormatWithBatch(discriminator.InputShape!)}, but the dataset's examples have shape {Shapes.FormatWithBatch(elementShape)}" +
                (Shapes.Equal(discriminatorInput, elementShape) ? ". " : $", which makes discriminator inputs of shape {Shapes.FormatWithBatch(discriminatorInput)}. ") +
                "Flatten or reshape the data (or the discriminator's input) so they match.",
                discriminator.InputShape!, discriminatorInput);
        if (!Shapes.Equal(generated, elementShape))
            throw new IncompatibleInputException(
                $"The generator '{gan.Generator.Name}' produces samples of shape {Shapes.FormatWithBatch(generated)}, but the dataset's examples have shape {Shapes.FormatWithBatch(elementShape)}. " +
                "Change the generator's output layer (or add a Reshape) to match the data.",
                elementShape, generated);
        if (!discriminator.Built) discriminator.Build(discriminatorInput);
    }

    /// <summary>Refuses scoring real and generated samples in one call when a layer's output depends on the whole batch.</summary>
    /// <exception cref="InvalidOperationException">The model has a <see cref="BatchNormalization"/> layer.</exception>
    public static void CheckNoBatchDependentLayer(Layer model)
    {
        if (model is BatchNormalization)
            throw new InvalidOperationException(
                $"ScoreRealAndFakeTogether needs a discriminator without batch-dependent layers, but '{model.Name}' is a BatchNormalization layer: one call would normalize real and generated samples together. Leave the option off, or remove batch normalization from the discriminator.");
        foreach (var sublayer in model.SubLayers) CheckNoBatchDependentLayer(sublayer);
    }
}
