// Conditional GAN (Mirza & Osindero, "Conditional Generative Adversarial Nets", 2014) on MNIST, as the Keras example
// "Conditional GAN": the one-hot label is appended to the latent vector and, as 10 constant channels, to the image the
// discriminator sees. Writes a grid with one row per digit 0–9.
using Gan.Keras.Data;
using Gan.Keras.Examples;
using Gan.Keras.Export.Images;
using Gan.Keras.Layers;
using Gan.Keras.Losses;
using Gan.Keras.Models;
using Gan.Keras.Optimizers;

return ExampleRunner.Run(args, "ConditionalGan", defaultEpochs: 5, defaultBatchSize: 64, options =>
{
    const int latentDim = 64;
    const int classes = 10;
    Gan.Keras.RandomSeed.Set(options.Seed);
    using var data = Mnist.Load(options.DataPath, flatten: false, limit: options.Limit);
    Console.WriteLine($"Conditional GAN on {data.Count} labelled MNIST images, {options.Epochs} epochs, batch {options.BatchSize}");

    // Generator input: [latent ‖ one_hot(label)] = 64 + 10; discriminator input: [image ‖ 10 label maps] = [11, 28, 28].
    var generator = new Sequential(new Layer[]
    {
        new Dense(7 * 7 * 64, useBias: false),
        new BatchNormalization(),
        new LeakyReLU(0.2),
        new Reshape(new long[] { 64, 7, 7 }),
        new Conv2DTranspose(32, 4, strides: 2, padding: "same", useBias: false),
        new BatchNormalization(),
        new LeakyReLU(0.2),
        new Conv2DTranspose(1, 4, strides: 2, padding: "same", activation: "tanh"),
    }, inputShape: new long[] { latentDim + classes }, name: "generator");
    var discriminator = new Sequential(new Layer[]
    {
        new Conv2D(32, 4, strides: 2, padding: "same"),
        new LeakyReLU(0.2),
        new Conv2D(64, 4, strides: 2, padding: "same"),
        new LeakyReLU(0.2),
        new Flatten(),
        new Dense(1),
    }, inputShape: new long[] { 1 + classes, 28, 28 }, name: "discriminator");

    using var gan = new ConditionalGanModel(generator, discriminator, latentDim, classes, seed: options.Seed);
    gan.Compile(new Adam(2e-4, beta1: 0.5), new Adam(2e-4, beta1: 0.5), new NonSaturatingLoss());
    gan.Fit(data, epochs: options.Epochs, batchSize: options.BatchSize, callbacks: new[] { new EpochPrinter() });

    // One row per digit: 10 samples of each label, grouped by label.
    using var samples = gan.Generate(10, seed: 0, labels: Enumerable.Range(0, classes).ToArray());
    ImageGrid.SavePng(options.Output, samples, columns: 10);
});
