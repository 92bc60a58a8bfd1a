using System.Globalization;
using Gan.Keras.Layers;
using Gan.Keras.Losses;
using Gan.Keras.Models;
using Gan.Keras.Optimizers;
using TorchSharp;
using static Gan.Keras.Examples.KerasPorts.KerasGan.KerasGanData;

namespace Gan.Keras.Examples.KerasPorts.KerasGan;

/// <summary>
/// Keras-GAN's <c>dcgan/dcgan.py</c> (Erik Linder-Norén, MIT licence): a deep convolutional GAN on MNIST, line by line.
/// docs/keras-ports/dcgan.md sets the two side by side.
/// </summary>
internal sealed class Dcgan : KerasPort
{
    /// <inheritdoc />
    public override string Name => "dcgan";

    /// <inheritdoc />
    public override string Description => "DCGAN on MNIST (Keras-GAN dcgan/dcgan.py, MIT)";

    /// <inheritdoc />
    public override void Run(PortSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        using var dcgan = new DCGAN();
        dcgan.Train(settings, epochs: settings.Steps, batchSize: 32, saveInterval: 50);
    }

    /// <summary>The original's <c>class DCGAN</c>.</summary>
    private sealed class DCGAN : IDisposable
    {
        private const int ImgRows = 28;
        private const int ImgCols = 28;
        private const int Channels = 1;

        private readonly Functional discriminator;
        private readonly Functional generator;
        private readonly Functional combined;

        public DCGAN()
        {
            // Build and compile the discriminator (one Adam(0.0002, 0.5) per compiled model: see the doc)
            discriminator = BuildDiscriminator();
            PrintParams("discriminator", discriminator);
            discriminator.Compile(new Adam(0.0002, 0.5), new BinaryCrossentropy(), metrics: ["accuracy"]);

            // Build and compile the generator
            generator = BuildGenerator();
            PrintParams("generator", generator);
            generator.Compile(new Adam(0.0002, 0.5), new BinaryCrossentropy());

            // The generator takes noise as input and generated imgs
            var z = Keras.Input([100]);
            var img = generator.Call(z);

            // For the combined model we will only train the generator
            discriminator.Trainable = false;

            // The valid takes generated images as input and determines validity
            var valid = discriminator.Call(img);

            // The combined model (stacked generator and discriminator) takes noise as input => generates images =>
            // determines validity
            combined = new Functional(z, valid);
            combined.Compile(new Adam(0.0002, 0.5), new BinaryCrossentropy());
        }

        private static Functional BuildGenerator()
        {
            long[] noiseShape = [100];

            var model = new Sequential();

            model.Add(new Dense(128 * 7 * 7, activation: "relu"));
            model.Add(new Reshape([128, 7, 7]));
            model.Add(new BatchNormalization(momentum: 0.8));
            model.Add(new UpSampling2D());
            model.Add(new Conv2D(128, kernelSize: 3, padding: "same"));
            model.Add(new Activation("relu"));
            model.Add(new BatchNormalization(momentum: 0.8));
            model.Add(new UpSampling2D());
            model.Add(new Conv2D(64, kernelSize: 3, padding: "same"));
            model.Add(new Activation("relu"));
            model.Add(new BatchNormalization(momentum: 0.8));
            model.Add(new Conv2D(1, kernelSize: 3, padding: "same"));
            model.Add(new Activation("tanh"));

            var noise = Keras.Input(noiseShape);
            var img = model.Call(noise);

            return new Functional(noise, img, name: "generator");
        }

        private static Functional BuildDiscriminator()
        {
            long[] imgShape = [Channels, ImgRows, ImgCols];

            var model = new Sequential();

            model.Add(new Conv2D(32, kernelSize: 3, strides: 2, padding: "same"));
            model.Add(new LeakyReLU(alpha: 0.2));
            model.Add(new Dropout(0.25));
            model.Add(new Conv2D(64, kernelSize: 3, strides: 2, padding: "same"));
            model.Add(new ZeroPadding2D((0, 1), (0, 1)));
            model.Add(new LeakyReLU(alpha: 0.2));
            model.Add(new Dropout(0.25));
            model.Add(new BatchNormalization(momentum: 0.8));
            model.Add(new Conv2D(128, kernelSize: 3, strides: 2, padding: "same"));
            model.Add(new LeakyReLU(alpha: 0.2));
            model.Add(new Dropout(0.25));
            model.Add(new BatchNormalization(momentum: 0.8));
            model.Add(new Conv2D(256, kernelSize: 3, strides: 1, padding: "same"));
            model.Add(new LeakyReLU(alpha: 0.2));
            model.Add(new Dropout(0.25));

            model.Add(new Flatten());
            model.Add(new Dense(1, activation: "sigmoid"));

            var img = Keras.Input(imgShape);
            var validity = model.Call(img);

            return new Functional(img, validity, name: "discriminator");
        }

        public void Train(PortSettings settings, int epochs, int batchSize = 128, int saveInterval = 50)
        {
            // Load the dataset (rescaled to [-1, 1])
            var (xTrain, yTrain) = LoadMnist();
            using var xTrainScope = xTrain;
            yTrain.Dispose();

            int halfBatch = batchSize / 2;

            for (int epoch = 0; epoch < epochs; epoch++)
            {
                using var scope = torch.NewDisposeScope();

                // ---------------------
                //  Train Discriminator
                // ---------------------

                // Select a random half batch of images
                var idx = RandInt(xTrain.shape[0], halfBatch);
                var imgs = xTrain[idx];

                // Sample noise and generate a half batch of new images
                var noise = Normal(halfBatch, 100);
                var genImgs = generator.Predict(noise);

                // Train the discriminator (real classified as ones and generated as zeros)
                var dLossReal = discriminator.TrainOnBatch(imgs, Truths(halfBatch, 1));
                var dLossFake = discriminator.TrainOnBatch(genImgs, Truths(halfBatch, 0));
                var dLoss = Mean(dLossReal, dLossFake);

                // ---------------------
                //  Train Generator
                // ---------------------

                noise = Normal(batchSize, 100);

                // Train the generator (wants discriminator to mistake images as real)
                var gLoss = combined.TrainOnBatch(noise, Truths(batchSize, 1));

                // Plot the progress
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{epoch} [D loss: {dLoss[0]:F6}, acc.: {100 * dLoss[1]:F2}%] [G loss: {gLoss[0]:F6}]"));

                // If at save interval => save generated image samples
                if (epoch % saveInterval == 0 || epoch == epochs - 1)
                    SaveImgs(settings, epoch);
            }

            // The trained networks (the port's addition: their weights, and the GAN file the gan CLI opens)
            KerasGanOutput.SaveModel(settings, ("generator", generator), ("discriminator", discriminator));
            KerasGanOutput.WriteRun(settings, "gan.keras", generator, discriminator, [GeneratorInput.Latent(100)]);
        }

        private void SaveImgs(PortSettings settings, int epoch)
        {
            const int r = 5, c = 5;
            using var scope = torch.NewDisposeScope();
            var noise = Normal(r * c, 100);
            var genImgs = generator.Predict(noise);
            KerasGanOutput.SampleImages(settings, epoch, genImgs, c);
        }

        public void Dispose()
        {
            combined.Dispose();
            generator.Dispose();
            discriminator.Dispose();
        }
    }
}
