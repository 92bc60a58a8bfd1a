// DCGAN (Radford, Metz & Chintala, "Unsupervised Representation Learning with Deep Convolutional GANs", ICLR 2016)
// on MNIST, as the Keras example "DCGAN to generate face images" scaled to 28x28: strided transposed convolutions with
// batch normalisation in the generator, strided convolutions with LeakyReLU in the discriminator, N(0, 0.02) kernels,
// Adam(2e-4, β₁ = 0.5), the non-saturating loss on logits. Writes a grid of samples.
// The networks are the library's DcganPreset at side 28 (the same ones `gan train --model dcgan` builds); their
// summaries below show the layers.
using Gan.Keras.Callbacks;
using Gan.Keras.Data;
using Gan.Keras.Examples;
using Gan.Keras.Export.Images;
using Gan.Keras.Losses;
using Gan.Keras.Models;
using Gan.Keras.Models.Presets;
using Gan.Keras.Optimizers;

return ExampleRunner.Run(args, "Dcgan", defaultEpochs: 5, defaultBatchSize: 64, options =>
{
    const int latentDim = DcganPreset.DefaultLatentDim;
    Gan.Keras.RandomSeed.Set(options.Seed);
    using var data = Mnist.Load(options.DataPath, flatten: false, limit: options.Limit);
    Console.WriteLine($"DCGAN on {data.Count} MNIST images [1, 28, 28] (NCHW), {options.Epochs} epochs, batch {options.BatchSize}");

    var generator = DcganPreset.Generator(latentDim);
    var discriminator = DcganPreset.Discriminator();
    Console.Write(generator.Summary());
    Console.Write(discriminator.Summary());

    using var gan = new GanModel(generator, discriminator, latentDim, seed: options.Seed);
    gan.Compile(new Adam(2e-4, beta1: 0.5), new Adam(2e-4, beta1: 0.5), new NonSaturatingLoss());
    gan.Fit(data, epochs: options.Epochs, batchSize: options.BatchSize, callbacks: new[] { new ProgbarLogger() });

    using var samples = gan.Generate(64, seed: 0);
    ImageGrid.SavePng(options.Output, samples, columns: 8);
});
