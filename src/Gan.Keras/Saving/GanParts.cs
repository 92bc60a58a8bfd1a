using Gan.Keras.Models;

namespace Gan.Keras.Saving;

/// <summary>What a saved GAN's file rebuilds before its type is made (<see cref="SerializableGans.Register{TGan}"/>).</summary>
/// <param name="Generator">The generator, with its saved architecture (weights are restored after).</param>
/// <param name="Discriminator">The discriminator.</param>
/// <param name="GeneratorInputs">The generator's inputs, in order.</param>
/// <param name="Seed">The seed of the GAN's random stream.</param>
public sealed record GanParts(Model Generator, Model Discriminator, IReadOnlyList<GeneratorInput> GeneratorInputs, long Seed);
