// Port of keras-io examples/generative/dcgan_overriding_train_step.py ("DCGAN to generate face images", fchollet,
// Apache-2.0): https://github.com/keras-team/keras-io/blob/master/examples/generative/dcgan_overriding_train_step.py.
// Side by side: docs/keras-ports/dcgan_keras_io.md.
using Gan.Keras.Data;
using Gan.Keras.Layers;
using Gan.Keras.Losses;
using Gan.Keras.Models;
using Gan.Keras.Saving;
using Gan.Keras.Optimizers;
using Gan.Keras.Training;
using TorchSharp;

namespace Gan.Keras.Examples.KerasPorts.KerasIo;

/// <summary>
/// keras-io's DCGAN on 64×64 colour images, trained with <c>fit()</c> by overriding <c>train_step</c>: here a
/// <see cref="GanModel"/> subclass overrides <see cref="GanTrainer.TrainStep"/> with the original's step line for line
/// (one discriminator call on generated + real images with noisy inverted labels, then the generator against
/// "all real" labels). CelebA is not read: the images are generated colour shapes (<see cref="ProceduralShapes"/>).
/// </summary>
internal sealed class DcganKerasIo : KerasPort
{
    private const int LatentDim = 128;

    /// <inheritdoc />
    public override string Name => "dcgan_keras_io";

    /// <inheritdoc />
    public override string Description => "keras-io dcgan_overriding_train_step.py: DCGAN overriding train_step, 64x64 (generated colour shapes instead of CelebA)";

    /// <summary>Gets the batch size: the original's <c>batch_size=32</c> (the tests use a smaller one).</summary>
    internal int BatchSize { get; init; } = 32;

    /// <summary>Gets the number of images generated in place of CelebA's folder.</summary>
    internal int Count { get; init; } = 2048;

    /// <summary>Gets the number of images in the sample grid: the original's <c>GANMonitor(num_img=10)</c>.</summary>
    internal int NumImg { get; init; } = 10;

    /// <inheritdoc />
    public override void Run(PortSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        // image_dataset_from_directory("celeba_gan", label_mode=None, image_size=(64, 64), batch_size=32), then x / 255.0:
        // generated colour shapes of 64×64 in memory instead, scaled from [-1, 1] to [0, 1].
        using var shapes = KerasIoData.ColourShapes(Count, 64, Enumerable.Range(0, ProceduralShapes.ClassNames.Count).ToArray(), settings.Seed);
        using var scaled = shapes.add(1.0).div(2.0);
        using var dataset = new InMemoryDataset(scaled, name: "generated-colour-shapes-64");
        Console.WriteLine($"data {KerasIoData.Describe(dataset)}, generated in memory (the original reads CelebA's 202,599 faces)");

        // Create the discriminator: it maps a 64x64 image to a binary classification score.
        var discriminator = new Sequential(
            new Layer[]
            {
                new Conv2D(64, kernelSize: 4, strides: 2, padding: "same"),
                new LeakyReLU(alpha: 0.2),
                new Conv2D(128, kernelSize: 4, strides: 2, padding: "same"),
                new LeakyReLU(alpha: 0.2),
                new Conv2D(128, kernelSize: 4, strides: 2, padding: "same"),
                new LeakyReLU(alpha: 0.2),
                new Flatten(),
                new Dropout(0.2),
                new Dense(1, activation: "sigmoid"),
            },
            inputShape: new long[] { 3, 64, 64 },
            name: "discriminator");
        PrintParams("discriminator", discriminator);

        // Create the generator: it mirrors the discriminator, replacing Conv2D layers with Conv2DTranspose layers.
        var generator = new Sequential(
            new Layer[]
            {
                new Dense(8 * 8 * 128),
                new Reshape(new long[] { 128, 8, 8 }),
                new Conv2DTranspose(128, kernelSize: 4, strides: 2, padding: "same"),
                new LeakyReLU(alpha: 0.2),
                new Conv2DTranspose(256, kernelSize: 4, strides: 2, padding: "same"),
                new LeakyReLU(alpha: 0.2),
                new Conv2DTranspose(512, kernelSize: 4, strides: 2, padding: "same"),
                new LeakyReLU(alpha: 0.2),
                new Conv2D(3, kernelSize: 5, padding: "same", activation: "sigmoid"),
            },
            inputShape: new long[] { LatentDim },
            name: "generator");
        PrintParams("generator", generator);

        // @keras.saving.register_keras_serializable: the port's addition, so that gan.keras names the subclass. Without this
        // code (the gan CLI) the file still opens as the GanModel it samples as (the step is the only override).
        SerializableGans.Register(p => new KerasIoGan(p.Discriminator, p.Generator, ((LatentInput)p.GeneratorInputs[0]).Dim, p.Seed), "KerasIo", "GAN");

        // gan = GAN(discriminator=discriminator, generator=generator, latent_dim=latent_dim)
        using var gan = new KerasIoGan(discriminator, generator, LatentDim, settings.Seed);
        gan.Compile(
            new Adam(learningRate: 0.0001),
            new Adam(learningRate: 0.0001),
            new BinaryCrossentropy());

        // gan.fit(dataset, epochs=epochs, callbacks=[GANMonitor(num_img=10, latent_dim=latent_dim)]), stopped after --steps.
        var limit = new StepLimit(gan, settings.Steps);
        gan.Fit(dataset, epochs: StepLimit.Epochs(settings.Steps, dataset.BatchCount(BatchSize, dropRemainder: true)), batchSize: BatchSize, callbacks: new[] { limit }, verbose: FitVerbosity.Silent);

        // GANMonitor: generated_images = self.model.generator(random_latent_vectors) (in [0, 1]; the grid takes [-1, 1]).
        using var samples = gan.Generate(NumImg, seed: settings.Seed);
        using var grid = samples.mul(2.0).sub(1.0);
        WriteRun(settings, gan, grid, columns: NumImg);
    }

    /// <summary>The original's <c>class GAN(keras.Model)</c> with its <c>train_step</c>.</summary>
    private sealed class KerasIoGan(Model discriminator, Model generator, int latentDim, long seed) : GanModel(generator, discriminator, latentDim, seed)
    {
        /// <inheritdoc />
        public override IReadOnlyDictionary<string, torch.Tensor> TrainStep(Batch batch)
        {
            ArgumentNullException.ThrowIfNull(batch);
            // compile(d_optimizer, g_optimizer, loss_fn): loss_fn is the label loss the GAN loss was made from.
            var lossFn = ((NonSaturatingLoss)Loss).LabelLoss;
            using var scope = torch.NewDisposeScope();
            var realImages = batch.Features;

            // Sample random points in the latent space
            long batchSize = realImages.shape[0];
            var randomLatentVectors = SampleLatent(batchSize);

            // Decode them to fake images (outside the tape: no gradient is recorded).
            torch.Tensor generatedImages;
            using (torch.no_grad()) generatedImages = Generator.Call(randomLatentVectors);

            // Combine them with real images
            var combinedImages = torch.cat(new[] { generatedImages, realImages }, 0);

            // Assemble labels discriminating real from fake images
            var labels = torch.cat(new[] { torch.ones(batchSize, 1), torch.zeros(batchSize, 1) }, 0).to(realImages.device);
            // Add random noise to the labels - important trick!
            labels = labels + 0.05 * torch.rand(labels.shape, generator: RandomGenerator).to(realImages.device);

            // Train the discriminator (called without training=True, as the original: its Dropout is inactive)
            torch.Tensor dLoss;
            using (var tape = new GradientTape())
            {
                var predictions = Discriminator.Call(combinedImages);
                dLoss = lossFn.Call(labels, predictions);
                var grads = tape.Gradient(dLoss, Discriminator.TrainableVariables);
                DiscriminatorOptimizer.ApplyGradients(grads, Discriminator.TrainableVariables);
            }

            // Sample random points in the latent space
            randomLatentVectors = SampleLatent(batchSize);

            // Assemble labels that say "all real images"
            var misleadingLabels = torch.zeros(batchSize, 1).to(realImages.device);

            // Train the generator (note that we should *not* update the weights of the discriminator)!
            torch.Tensor gLoss;
            using (var tape = new GradientTape())
            {
                var predictions = Discriminator.Call(Generator.Call(randomLatentVectors));
                gLoss = lossFn.Call(misleadingLabels, predictions);
                var grads = tape.Gradient(gLoss, Generator.TrainableVariables);
                GeneratorOptimizer.ApplyGradients(grads, Generator.TrainableVariables);
            }

            return new Dictionary<string, torch.Tensor>
            {
                ["d_loss"] = dLoss.detach().MoveToOuterDisposeScope(),
                ["g_loss"] = gLoss.detach().MoveToOuterDisposeScope(),
            };
        }
    }
}
