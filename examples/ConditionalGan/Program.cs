// Conditional GAN (Mirza & Osindero, "Conditional Generative Adversarial Nets", 2014) on MNIST, as the Keras example
// "Conditional GAN": the one-hot label is appended to the latent vector and, as 10 constant channels, to the image the
// discriminator sees. Writes a grid with one row per digit 0–9.
// The networks are the library's DcganPreset at side 28 with the condition on both inputs, with Keras's default
// Glorot-uniform kernels (`gan train --model conditional` builds the same with the preset's N(0, 0.02) kernels).
using Gan.Keras.Callbacks;
using Gan.Keras.Data;
using Gan.Keras.Examples;
using Gan.Keras.Export.Images;
using Gan.Keras.Layers.Initializers;
using Gan.Keras.Losses;
using Gan.Keras.Models;
using Gan.Keras.Models.Presets;
using Gan.Keras.Optimizers;

return ExampleRunner.Run(args, "ConditionalGan", defaultEpochs: 5, defaultBatchSize: 64, options =>
{
    const int latentDim = DcganPreset.DefaultLatentDim;
    const int classes = ModelPresets.ConditionalClasses;
    Gan.Keras.RandomSeed.Set(options.Seed);
    using var data = Mnist.Load(options.DataPath, flatten: false, limit: options.Limit);
    Console.WriteLine($"Conditional GAN on {data.Count} labelled MNIST images, {options.Epochs} epochs, batch {options.BatchSize}");

    // Generator input: [latent ‖ one_hot(label)] = 64 + 10; discriminator input: [image ‖ 10 label maps] = [11, 28, 28].
    var generator = DcganPreset.Generator(latentDim, conditionSize: classes, kernelInitializer: new GlorotUniform());
    var discriminator = DcganPreset.Discriminator(conditionChannels: classes, kernelInitializer: new GlorotUniform());

    using var gan = new ConditionalGanModel(generator, discriminator, latentDim, classes, seed: options.Seed);
    gan.Compile(new Adam(2e-4, beta1: 0.5), new Adam(2e-4, beta1: 0.5), new NonSaturatingLoss());
    gan.Fit(data, epochs: options.Epochs, batchSize: options.BatchSize, callbacks: new[] { new ProgbarLogger() });

    // One row per digit: 10 samples of each label, grouped by label.
    using var samples = gan.Generate(10, seed: 0, labels: Enumerable.Range(0, classes).ToArray());
    ImageGrid.SavePng(options.Output, samples, columns: 10);
});
