// Port of keras-io examples/generative/wgan_gp.py ("WGAN-GP overriding Model.train_step", A_K_Nain, Apache-2.0):
// https://github.com/keras-team/keras-io/blob/master/examples/generative/wgan_gp.py. Side by side: docs/keras-ports/wgan_gp.md.
using Gan.Keras.Layers;
using Gan.Keras.Losses;
using Gan.Keras.Models;
using Gan.Keras.Optimizers;

namespace Gan.Keras.Examples.KerasPorts.KerasIo;

/// <summary>
/// keras-io's WGAN-GP: a critic that zero-pads 28×28 images to 32×32, a generator that crops its 32×32 output back, and
/// the example's <c>train_step</c> (3 critic updates on the step's one real batch, α ~ N(0, 1), λ = 10) through the
/// built-in step's Keras options (<see cref="Training.GanTrainer.CriticReusesRealBatch"/>, <see cref="InterpolationCoefficients.Normal"/>).
/// </summary>
internal sealed class WganGp : KerasPort
{
    // IMG_SHAPE = (28, 28, 1): channels first here.
    private static readonly long[] ImgShape = { 1, 28, 28 };

    // noise_dim = 128
    private const int NoiseDim = 128;

    /// <inheritdoc />
    public override string Name => "wgan_gp";

    /// <inheritdoc />
    public override string Description => "keras-io wgan_gp.py: WGAN-GP overriding Model.train_step (Fashion-MNIST where installed, else MNIST t10k)";

    /// <summary>Gets the batch size: the original's <c>BATCH_SIZE = 512</c> (the tests use a smaller one).</summary>
    internal int BatchSize { get; init; } = 512;

    /// <summary>Gets the number of images to load, or null for the whole split (the tests load a few).</summary>
    internal int? Limit { get; init; }

    /// <inheritdoc />
    public override void Run(PortSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        // train_images = (train_images - 127.5) / 127.5: Mnist.Load scales to [-1, 1] the same way.
        using var trainImages = KerasIoData.FashionMnistOrMnist(Limit);
        Console.WriteLine($"data {KerasIoData.Describe(trainImages)}");

        var dModel = GetDiscriminatorModel();
        PrintParams("discriminator", dModel);
        var gModel = GetGeneratorModel();
        PrintParams("generator", gModel);

        // wgan = WGAN(discriminator=d_model, generator=g_model, latent_dim=noise_dim, discriminator_extra_steps=3)
        using var wgan = new GanModel(gModel, dModel, NoiseDim, seed: settings.Seed)
        {
            DiscriminatorSteps = 3,
            // train_step loops d_steps times over its one real_images batch.
            CriticReusesRealBatch = true,
        };
        // Adam(learning_rate=0.0002, beta_1=0.5, beta_2=0.9) for both; d_loss = fake - real + gp * 10 with
        // alpha = tf.random.normal([batch_size, 1, 1, 1]); g_loss = -mean(fake).
        wgan.Compile(
            new Adam(learningRate: 0.0002, beta1: 0.5, beta2: 0.9),
            new Adam(learningRate: 0.0002, beta1: 0.5, beta2: 0.9),
            new WassersteinGpLoss(penaltyWeight: 10.0, coefficients: InterpolationCoefficients.Normal));

        // wgan.fit(train_images, batch_size=BATCH_SIZE, epochs=epochs, callbacks=[cbk]), stopped after --steps.
        var limit = new StepLimit(wgan, settings.Steps);
        long stepsPerEpoch = trainImages.BatchCount(BatchSize, dropRemainder: true);
        wgan.Fit(trainImages, epochs: StepLimit.Epochs(settings.Steps, stepsPerEpoch), batchSize: BatchSize, callbacks: new[] { limit }, verbose: Training.FitVerbosity.Silent);

        // GANMonitor: generated images from random latent vectors.
        using var samples = wgan.Generate(64, seed: settings.Seed);
        WriteRun(settings, wgan, samples, columns: 8);
    }

    /// <summary>conv_block: Conv2D, optional BatchNormalization, the activation, optional Dropout.</summary>
    private static KerasTensor ConvBlock(
        KerasTensor x, int filters, Layer activation, int kernelSize = 3, int strides = 1, string padding = "same",
        bool useBias = true, bool useBn = false, bool useDropout = false, double dropValue = 0.5)
    {
        x = new Conv2D(filters, kernelSize, strides: strides, padding: padding, useBias: useBias).Call(x);
        if (useBn) x = new BatchNormalization().Call(x);
        x = activation.Call(x);
        if (useDropout) x = new Dropout(dropValue).Call(x);
        return x;
    }

    /// <summary>get_discriminator_model.</summary>
    internal static Functional GetDiscriminatorModel()
    {
        var imgInput = Keras.Input(ImgShape);
        // Zero pad the input to make the input images size to (32, 32, 1).
        var x = new ZeroPadding2D((2, 2)).Call(imgInput);
        x = ConvBlock(x, 64, kernelSize: 5, strides: 2, useBn: false, useBias: true, activation: new LeakyReLU(0.2), useDropout: false, dropValue: 0.3);
        x = ConvBlock(x, 128, kernelSize: 5, strides: 2, useBn: false, activation: new LeakyReLU(0.2), useBias: true, useDropout: true, dropValue: 0.3);
        x = ConvBlock(x, 256, kernelSize: 5, strides: 2, useBn: false, activation: new LeakyReLU(0.2), useBias: true, useDropout: true, dropValue: 0.3);
        x = ConvBlock(x, 512, kernelSize: 5, strides: 2, useBn: false, activation: new LeakyReLU(0.2), useBias: true, useDropout: false, dropValue: 0.3);
        x = new Flatten().Call(x);
        x = new Dropout(0.2).Call(x);
        x = new Dense(1).Call(x);
        return new Functional(imgInput, x, name: "discriminator");
    }

    /// <summary>upsample_block: UpSampling2D, Conv2D, optional BatchNormalization, the activation, optional Dropout.</summary>
    private static KerasTensor UpsampleBlock(
        KerasTensor x, int filters, Layer? activation, int kernelSize = 3, int strides = 1, int upSize = 2, string padding = "same",
        bool useBn = false, bool useBias = true, bool useDropout = false, double dropValue = 0.3)
    {
        x = new UpSampling2D(upSize).Call(x);
        x = new Conv2D(filters, kernelSize, strides: strides, padding: padding, useBias: useBias).Call(x);
        if (useBn) x = new BatchNormalization().Call(x);
        if (activation is not null) x = activation.Call(x);
        if (useDropout) x = new Dropout(dropValue).Call(x);
        return x;
    }

    /// <summary>get_generator_model.</summary>
    internal static Functional GetGeneratorModel()
    {
        var noise = Keras.Input(new long[] { NoiseDim });
        var x = new Dense(4 * 4 * 256, useBias: false).Call(noise);
        x = new BatchNormalization().Call(x);
        x = new LeakyReLU(0.2).Call(x);

        x = new Reshape(new long[] { 256, 4, 4 }).Call(x);
        x = UpsampleBlock(x, 128, new LeakyReLU(0.2), strides: 1, useBias: false, useBn: true, padding: "same", useDropout: false);
        x = UpsampleBlock(x, 64, new LeakyReLU(0.2), strides: 1, useBias: false, useBn: true, padding: "same", useDropout: false);
        x = UpsampleBlock(x, 1, new Activation("tanh"), strides: 1, useBias: false, useBn: true);
        // At this point, we have an output which has the same shape as the input, (32, 32, 1).
        // We will use a Cropping2D layer to make it (28, 28, 1).
        x = new Cropping2D((2, 2)).Call(x);

        return new Functional(noise, x, name: "generator");
    }
}
