// Port of keras-io examples/generative/conditional_gan.py ("Conditional GAN", Sayak Paul, Apache-2.0):
// https://github.com/keras-team/keras-io/blob/master/examples/generative/conditional_gan.py. Side by side: docs/keras-ports/conditional_gan.md.
using Gan.Keras.Data;
using Gan.Keras.Layers;
using Gan.Keras.Losses;
using Gan.Keras.Models;
using Gan.Keras.Optimizers;
using TorchSharp;

namespace Gan.Keras.Examples.KerasPorts.KerasIo;

/// <summary>
/// keras-io's conditional GAN on MNIST: one-hot labels concatenated to the noise and, as ten constant channels, to the
/// images the discriminator sees (<see cref="ConditionalGanModel"/>); the discriminator scores real and generated
/// images in one call and its loss is the mean over both, as the original's <c>train_step</c> computes it on the
/// concatenated batch.
/// </summary>
internal sealed class ConditionalGan : KerasPort
{
    // Constants and hyperparameters.
    private const int NumChannels = 1;
    private const int NumClasses = 10;
    private const int ImageSize = 28;
    private const int LatentDim = 128;

    // generator_in_channels = latent_dim + num_classes; discriminator_in_channels = num_channels + num_classes.
    private const int GeneratorInChannels = LatentDim + NumClasses;
    private const int DiscriminatorInChannels = NumChannels + NumClasses;

    /// <inheritdoc />
    public override string Name => "conditional_gan";

    /// <inheritdoc />
    public override string Description => "keras-io conditional_gan.py: Conditional GAN on MNIST (t10k from tests/data)";

    /// <summary>Gets the batch size: the original's <c>batch_size = 64</c> (the tests use a smaller one).</summary>
    internal int BatchSize { get; init; } = 64;

    /// <summary>Gets the number of images to load, or null for the whole split (the tests load a few).</summary>
    internal int? Limit { get; init; }

    /// <inheritdoc />
    public override void Run(PortSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        // all_digits = all_digits.astype("float32") / 255.0: pixels in [0, 1] (Mnist.Load gives [-1, 1]). The labels
        // stay class indices; ConditionalGanModel one-hot encodes them (keras.utils.to_categorical).
        using var mnist = KerasIoData.Mnist10k(Limit);
        using var scaled = mnist.Features.add(1.0).div(2.0);
        using var dataset = new InMemoryDataset(scaled, mnist.Labels, "mnist-t10k-0to1");
        Console.WriteLine($"data {KerasIoData.Describe(dataset)} (the original uses MNIST's 70,000 train and test digits)");

        // Create the discriminator.
        var discriminator = new Sequential(
            new Layer[]
            {
                new Conv2D(64, (3, 3), strides: (2, 2), padding: "same"),
                new LeakyReLU(alpha: 0.2),
                new Conv2D(128, (3, 3), strides: (2, 2), padding: "same"),
                new LeakyReLU(alpha: 0.2),
                new GlobalMaxPooling2D(),
                new Dense(1),
            },
            inputShape: new long[] { DiscriminatorInChannels, ImageSize, ImageSize },
            name: "discriminator");
        PrintParams("discriminator", discriminator);

        // Create the generator.
        var generator = new Sequential(
            new Layer[]
            {
                // We want to generate 128 + num_classes coefficients to reshape into a 7x7x(128 + num_classes) map.
                new Dense(7 * 7 * GeneratorInChannels),
                new LeakyReLU(alpha: 0.2),
                new Reshape(new long[] { GeneratorInChannels, 7, 7 }),
                new Conv2DTranspose(128, (4, 4), strides: (2, 2), padding: "same"),
                new LeakyReLU(alpha: 0.2),
                new Conv2DTranspose(128, (4, 4), strides: (2, 2), padding: "same"),
                new LeakyReLU(alpha: 0.2),
                new Conv2D(1, (7, 7), padding: "same", activation: "sigmoid"),
            },
            inputShape: new long[] { GeneratorInChannels },
            name: "generator");
        PrintParams("generator", generator);

        // cond_gan = ConditionalGAN(discriminator=discriminator, generator=generator, latent_dim=latent_dim)
        using var condGan = new ConditionalGanModel(generator, discriminator, LatentDim, NumClasses, seed: settings.Seed)
        {
            // combined_images = tf.concat([fake_image_and_labels, real_image_and_labels], axis=0): one discriminator call.
            ScoreRealAndFakeTogether = true,
        };
        // Adam(learning_rate=0.0003) for both; loss_fn = BinaryCrossentropy(from_logits=True) over the combined batch:
        // the mean over real and generated images.
        condGan.Compile(
            new Adam(learningRate: 0.0003),
            new Adam(learningRate: 0.0003),
            new NonSaturatingLoss(new BinaryCrossentropy(fromLogits: true)) { MeanOverRealAndFake = true });

        // cond_gan.fit(dataset, epochs=20), stopped after --steps.
        var limit = new StepLimit(condGan, settings.Steps);
        condGan.Fit(dataset, epochs: StepLimit.Epochs(settings.Steps, dataset.BatchCount(BatchSize, dropRemainder: true)), batchSize: BatchSize, callbacks: new[] { limit }, verbose: Training.FitVerbosity.Silent);

        // One row per digit: ten samples of each class (the original interpolates between two classes).
        using var samples = condGan.Generate(10, seed: settings.Seed, labels: Enumerable.Range(0, NumClasses).ToArray());
        using var grid = samples.mul(2.0).sub(1.0);
        WriteRun(settings, condGan, grid, columns: 10);
    }
}
