// WGAN-GP (Gulrajani et al., "Improved Training of Wasserstein GANs", NeurIPS 2017, Algorithm 1) on MNIST, as the Keras
// example "WGAN-GP overriding Model.train_step": a convolutional critic without batch normalisation, 3 critic updates
// per generator update (the Keras example's d_steps; the paper uses 5) each on its own real batch, gradient penalty
// λ = 10 on per-example interpolates, Adam(2e-4, β₁ = 0.5, β₂ = 0.9) as in the Keras example. Writes a grid of samples.
using Gan.Keras.Data;
using Gan.Keras.Examples;
using Gan.Keras.Export.Images;
using Gan.Keras.Layers;
using Gan.Keras.Losses;
using Gan.Keras.Models;
using Gan.Keras.Optimizers;

return ExampleRunner.Run(args, "WganGp", defaultEpochs: 10, defaultBatchSize: 64, options =>
{
    const int latentDim = 64;
    const int criticSteps = 3;
    Gan.Keras.RandomSeed.Set(options.Seed);
    using var data = Mnist.Load(options.DataPath, flatten: false, limit: options.Limit);
    Console.WriteLine($"WGAN-GP on {data.Count} MNIST images, {options.Epochs} epochs, batch {options.BatchSize}, {criticSteps} critic steps per generator step");

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
    }, inputShape: new long[] { latentDim }, name: "generator");
    // No batch normalisation in the critic: the penalty is per example (Gulrajani et al., section 4).
    var critic = new Sequential(new Layer[]
    {
        new Conv2D(32, 4, strides: 2, padding: "same"),
        new LeakyReLU(0.2),
        new Conv2D(64, 4, strides: 2, padding: "same"),
        new LeakyReLU(0.2),
        new Flatten(),
        new Dense(1),
    }, inputShape: new long[] { 1, 28, 28 }, name: "critic");

    using var gan = new GanModel(generator, critic, latentDim, seed: options.Seed) { DiscriminatorSteps = criticSteps };
    gan.Compile(new Adam(2e-4, beta1: 0.5, beta2: 0.9), new Adam(2e-4, beta1: 0.5, beta2: 0.9), new WassersteinGpLoss(penaltyWeight: 10));
    gan.Fit(data, epochs: options.Epochs, batchSize: options.BatchSize, callbacks: new[] { new EpochPrinter() });

    using var samples = gan.Generate(64, seed: 0);
    ImageGrid.SavePng(options.Output, samples, columns: 8);
});
