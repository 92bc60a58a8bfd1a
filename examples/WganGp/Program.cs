// WGAN-GP (Gulrajani et al., "Improved Training of Wasserstein GANs", NeurIPS 2017, Algorithm 1) on MNIST, as the Keras
// example "WGAN-GP overriding Model.train_step": a convolutional critic without batch normalisation, 3 critic updates
// per generator update (the Keras example's d_steps; the paper uses 5) each on its own real batch, gradient penalty
// λ = 10 on per-example interpolates, Adam(2e-4, β₁ = 0.5, β₂ = 0.9) as in the Keras example. Writes a grid of samples.
// The networks are the library's DcganPreset at side 28 with Keras's default Glorot-uniform kernels; its discriminator
// has no batch normalisation, as the penalty needs (it is per example: Gulrajani et al., section 4).
using Gan.Keras.Callbacks;
using Gan.Keras.Data;
using Gan.Keras.Examples;
using Gan.Keras.Export.Images;
using Gan.Keras.Layers.Initializers;
using Gan.Keras.Losses;
using Gan.Keras.Models;
using Gan.Keras.Models.Presets;
using Gan.Keras.Optimizers;

return ExampleRunner.Run(args, "WganGp", defaultEpochs: 10, defaultBatchSize: 64, options =>
{
    const int latentDim = DcganPreset.DefaultLatentDim;
    const int criticSteps = 3;
    Gan.Keras.RandomSeed.Set(options.Seed);
    using var data = Mnist.Load(options.DataPath, flatten: false, limit: options.Limit);
    Console.WriteLine($"WGAN-GP on {data.Count} MNIST images, {options.Epochs} epochs, batch {options.BatchSize}, {criticSteps} critic steps per generator step");

    var generator = DcganPreset.Generator(latentDim, kernelInitializer: new GlorotUniform());
    var critic = DcganPreset.Discriminator(kernelInitializer: new GlorotUniform());

    using var gan = new GanModel(generator, critic, latentDim, seed: options.Seed) { DiscriminatorSteps = criticSteps };
    gan.Compile(new Adam(2e-4, beta1: 0.5, beta2: 0.9), new Adam(2e-4, beta1: 0.5, beta2: 0.9), new WassersteinGpLoss(penaltyWeight: 10));
    gan.Fit(data, epochs: options.Epochs, batchSize: options.BatchSize, callbacks: new[] { new ProgbarLogger() });

    using var samples = gan.Generate(64, seed: 0);
    ImageGrid.SavePng(options.Output, samples, columns: 8);
});
