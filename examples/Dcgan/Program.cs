// DCGAN (Radford, Metz & Chintala, "Unsupervised Representation Learning with Deep Convolutional GANs", ICLR 2016)
// on MNIST, as the Keras example "DCGAN to generate face images" scaled to 28x28: strided transposed convolutions with
// batch normalisation in the generator, strided convolutions with LeakyReLU in the discriminator, N(0, 0.02) kernels,
// Adam(2e-4, β₁ = 0.5), the non-saturating loss on logits. Writes a grid of samples.
// The layers are spelled out here to show them; the library has the same networks as Gan.Keras.Models.Presets.DcganPreset (side 28).
using Gan.Keras.Data;
using Gan.Keras.Examples;
using Gan.Keras.Export.Images;
using Gan.Keras.Layers.Initializers;
using Gan.Keras.Layers;
using Gan.Keras.Losses;
using Gan.Keras.Models;
using Gan.Keras.Optimizers;

return ExampleRunner.Run(args, "Dcgan", defaultEpochs: 5, defaultBatchSize: 64, options =>
{
    const int latentDim = 64;
    Gan.Keras.RandomSeed.Set(options.Seed);
    using var data = Mnist.Load(options.DataPath, flatten: false, limit: options.Limit);
    Console.WriteLine($"DCGAN on {data.Count} MNIST images [1, 28, 28] (NCHW), {options.Epochs} epochs, batch {options.BatchSize}");

    var init = new RandomNormal(0, 0.02);
    var generator = new Sequential(new Layer[]
    {
        new Dense(7 * 7 * 64, useBias: false, kernelInitializer: init),
        new BatchNormalization(),
        new LeakyReLU(0.2),
        new Reshape(new long[] { 64, 7, 7 }),
        new Conv2DTranspose(32, 4, strides: 2, padding: "same", useBias: false, kernelInitializer: init),
        new BatchNormalization(),
        new LeakyReLU(0.2),
        new Conv2DTranspose(1, 4, strides: 2, padding: "same", activation: "tanh", kernelInitializer: init),
    }, inputShape: new long[] { latentDim }, name: "generator");
    var discriminator = new Sequential(new Layer[]
    {
        new Conv2D(32, 4, strides: 2, padding: "same", kernelInitializer: init),
        new LeakyReLU(0.2),
        new Conv2D(64, 4, strides: 2, padding: "same", kernelInitializer: init),
        new LeakyReLU(0.2),
        new Flatten(),
        new Dense(1, kernelInitializer: init),
    }, inputShape: new long[] { 1, 28, 28 }, name: "discriminator");
    Console.Write(generator.Summary());
    Console.Write(discriminator.Summary());

    using var gan = new GanModel(generator, discriminator, latentDim, seed: options.Seed);
    gan.Compile(new Adam(2e-4, beta1: 0.5), new Adam(2e-4, beta1: 0.5), new NonSaturatingLoss());
    gan.Fit(data, epochs: options.Epochs, batchSize: options.BatchSize, callbacks: new[] { new EpochPrinter() });

    using var samples = gan.Generate(64, seed: 0);
    ImageGrid.SavePng(options.Output, samples, columns: 8);
});
