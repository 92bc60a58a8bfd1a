using System.Globalization;
using Gan.Keras.Layers;
using Gan.Keras.Losses;
using Gan.Keras.Models;
using Gan.Keras.Optimizers;
using TorchSharp;
using static Gan.Keras.Examples.KerasPorts.KerasGan.KerasGanData;

namespace Gan.Keras.Examples.KerasPorts.KerasGan;

/// <summary>
/// Keras-GAN's <c>lsgan/lsgan.py</c> (Erik Linder-Norén, MIT licence): a least-squares GAN of MLPs on MNIST, line by
/// line. docs/keras-ports/lsgan.md sets the two side by side.
/// </summary>
internal sealed class Lsgan : KerasPort
{
    /// <inheritdoc />
    public override string Name => "lsgan";

    /// <inheritdoc />
    public override string Description => "Least-squares GAN on MNIST (Keras-GAN lsgan/lsgan.py, MIT)";

    /// <inheritdoc />
    public override void Run(PortSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        using var gan = new LSGAN();
        gan.Train(settings, epochs: settings.Steps, batchSize: 32, sampleInterval: 200);
    }

    /// <summary>The original's <c>class LSGAN</c>.</summary>
    private sealed class LSGAN : IDisposable
    {
        private const int ImgRows = 28;
        private const int ImgCols = 28;
        private const int Channels = 1;
        private static readonly long[] ImgShape = [Channels, ImgRows, ImgCols];
        private const int LatentDim = 100;

        private readonly Functional discriminator;
        private readonly Functional generator;
        private readonly Functional combined;

        public LSGAN()
        {
            // Build and compile the discriminator (one Adam(0.0002, 0.5) per compiled model: see the doc)
            discriminator = BuildDiscriminator();
            PrintParams("discriminator", discriminator);
            discriminator.Compile(new Adam(0.0002, 0.5), new MeanSquaredError(), metrics: ["accuracy"]);

            // Build the generator
            generator = BuildGenerator();
            PrintParams("generator", generator);

            // The generator takes noise as input and generated imgs
            var z = Keras.Input([LatentDim]);
            var img = generator.Call(z);

            // For the combined model we will only train the generator
            discriminator.Trainable = false;

            // The valid takes generated images as input and determines validity
            var valid = discriminator.Call(img);

            // The combined model (stacked generator and discriminator) trains generator to fool discriminator
            combined = new Functional(z, valid);
            // (!!!) Optimize w.r.t. MSE loss instead of crossentropy
            combined.Compile(new Adam(0.0002, 0.5), new MeanSquaredError());
        }

        private static Functional BuildGenerator()
        {
            var model = new Sequential();

            model.Add(new Dense(256));
            model.Add(new LeakyReLU(alpha: 0.2));
            model.Add(new BatchNormalization(momentum: 0.8));
            model.Add(new Dense(512));
            model.Add(new LeakyReLU(alpha: 0.2));
            model.Add(new BatchNormalization(momentum: 0.8));
            model.Add(new Dense(1024));
            model.Add(new LeakyReLU(alpha: 0.2));
            model.Add(new BatchNormalization(momentum: 0.8));
            model.Add(new Dense(Channels * ImgRows * ImgCols, activation: "tanh"));
            model.Add(new Reshape(ImgShape));

            var noise = Keras.Input([LatentDim]);
            var img = model.Call(noise);

            return new Functional(noise, img, name: "generator");
        }

        private static Functional BuildDiscriminator()
        {
            var model = new Sequential();

            model.Add(new Flatten());
            model.Add(new Dense(512));
            model.Add(new LeakyReLU(alpha: 0.2));
            model.Add(new Dense(256));
            model.Add(new LeakyReLU(alpha: 0.2));
            // (!!!) No softmax
            model.Add(new Dense(1));

            var img = Keras.Input(ImgShape);
            var validity = model.Call(img);

            return new Functional(img, validity, name: "discriminator");
        }

        public void Train(PortSettings settings, int epochs, int batchSize = 128, int sampleInterval = 50)
        {
            // Load the dataset (rescaled to [-1, 1])
            var (xTrain, yTrain) = LoadMnist();
            using var xTrainScope = xTrain;
            yTrain.Dispose();

            // Adversarial ground truths
            using var valid = Truths(batchSize, 1);
            using var fake = Truths(batchSize, 0);

            for (int epoch = 0; epoch < epochs; epoch++)
            {
                using var scope = torch.NewDisposeScope();

                // ---------------------
                //  Train Discriminator
                // ---------------------

                // Select a random batch of images
                var idx = RandInt(xTrain.shape[0], batchSize);
                var imgs = xTrain[idx];

                // Sample noise as generator input
                var noise = Normal(batchSize, LatentDim);

                // Generate a batch of new images
                var genImgs = generator.Predict(noise);

                // Train the discriminator
                var dLossReal = discriminator.TrainOnBatch(imgs, valid);
                var dLossFake = discriminator.TrainOnBatch(genImgs, fake);
                var dLoss = Mean(dLossReal, dLossFake);

                // ---------------------
                //  Train Generator
                // ---------------------

                var gLoss = combined.TrainOnBatch(noise, valid);

                // Plot the progress
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{epoch} [D loss: {dLoss[0]:F6}, acc.: {100 * dLoss[1]:F2}%] [G loss: {gLoss[0]:F6}]"));

                // If at save interval => save generated image samples
                if (epoch % sampleInterval == 0 || epoch == epochs - 1)
                    SampleImages(settings, epoch);
            }

            // The trained networks (the port's addition: their weights, and the GAN file the gan CLI opens)
            KerasGanOutput.SaveModel(settings, ("generator", generator), ("discriminator", discriminator));
            KerasGanOutput.WriteRun(settings, "gan.keras", generator, discriminator, [GeneratorInput.Latent(LatentDim)]);
        }

        private void SampleImages(PortSettings settings, int epoch)
        {
            const int r = 5, c = 5;
            using var scope = torch.NewDisposeScope();
            var noise = Normal(r * c, LatentDim);
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
