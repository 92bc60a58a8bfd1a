using System.Globalization;
using Gan.Keras.Layers;
using Gan.Keras.Losses;
using Gan.Keras.Models;
using Gan.Keras.Optimizers;
using TorchSharp;
using static Gan.Keras.Examples.KerasPorts.KerasGan.KerasGanData;

namespace Gan.Keras.Examples.KerasPorts.KerasGan;

/// <summary>
/// Keras-GAN's <c>bigan/bigan.py</c> (Erik Linder-Norén, MIT licence): a bidirectional GAN (generator, encoder and a
/// discriminator of (z, image) pairs) on MNIST, line by line. docs/keras-ports/bigan.md sets the two side by side.
/// </summary>
internal sealed class Bigan : KerasPort
{
    /// <inheritdoc />
    public override string Name => "bigan";

    /// <inheritdoc />
    public override string Description => "BiGAN on MNIST (Keras-GAN bigan/bigan.py, MIT)";

    /// <inheritdoc />
    public override void Run(PortSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        using var bigan = new BIGAN();
        bigan.Train(settings, epochs: settings.Steps, batchSize: 32, saveInterval: 400);
    }

    /// <summary>The original's <c>class BIGAN</c>.</summary>
    private sealed class BIGAN : IDisposable
    {
        private const int ImgRows = 28;
        private const int ImgCols = 28;
        private const int Channels = 1;
        private static readonly long[] ImgShape = [Channels, ImgRows, ImgCols];
        private const int LatentDim = 100;

        private readonly Functional discriminator;
        private readonly Functional generator;
        private readonly Functional encoder;
        private readonly Functional biganGenerator;

        public BIGAN()
        {
            // Build and compile the discriminator (one Adam(0.0002, 0.5) per compiled model: see the doc)
            discriminator = BuildDiscriminator();
            PrintParams("discriminator", discriminator);
            discriminator.Compile(new Adam(0.0002, 0.5), new BinaryCrossentropy(), metrics: ["accuracy"]);

            // Build and compile the generator
            generator = BuildGenerator();
            PrintParams("generator", generator);
            generator.Compile(new Adam(0.0002, 0.5), new BinaryCrossentropy());

            // Build and compile the encoder
            encoder = BuildEncoder();
            PrintParams("encoder", encoder);
            encoder.Compile(new Adam(0.0002, 0.5), new BinaryCrossentropy());

            // The part of the bigan that trains the discriminator and encoder
            discriminator.Trainable = false;

            // Generate image from samples noise
            var z = Keras.Input([LatentDim]);
            var img_ = generator.Call(z);

            // Encode image
            var img = Keras.Input(ImgShape);
            var z_ = encoder.Call(img);

            // Latent -> img is fake, and img -> latent is valid
            var fake = discriminator.Call(z, img_);
            var valid = discriminator.Call(z_, img);

            // Set up and compile the combined model
            biganGenerator = new Functional([z, img], [fake, valid]);
            biganGenerator.Compile(new Adam(0.0002, 0.5), [new BinaryCrossentropy(), new BinaryCrossentropy()]);
        }

        private static Functional BuildEncoder()
        {
            var model = new Sequential();

            model.Add(new Flatten());
            model.Add(new Dense(512));
            model.Add(new LeakyReLU(alpha: 0.2));
            model.Add(new BatchNormalization(momentum: 0.8));
            model.Add(new Dense(512));
            model.Add(new LeakyReLU(alpha: 0.2));
            model.Add(new BatchNormalization(momentum: 0.8));
            model.Add(new Dense(LatentDim));

            var img = Keras.Input(ImgShape);
            var z = model.Call(img);

            return new Functional(img, z, name: "encoder");
        }

        private static Functional BuildGenerator()
        {
            var model = new Sequential();

            model.Add(new Dense(512));
            model.Add(new LeakyReLU(alpha: 0.2));
            model.Add(new BatchNormalization(momentum: 0.8));
            model.Add(new Dense(512));
            model.Add(new LeakyReLU(alpha: 0.2));
            model.Add(new BatchNormalization(momentum: 0.8));
            model.Add(new Dense(Channels * ImgRows * ImgCols, activation: "tanh"));
            model.Add(new Reshape(ImgShape));

            var z = Keras.Input([LatentDim]);
            var genImg = model.Call(z);

            return new Functional(z, genImg, name: "generator");
        }

        private static Functional BuildDiscriminator()
        {
            var z = Keras.Input([LatentDim]);
            var img = Keras.Input(ImgShape);
            var dIn = new Concatenate().Call(z, new Flatten().Call(img));

            var model = new Dense(1024).Call(dIn);
            model = new LeakyReLU(alpha: 0.2).Call(model);
            model = new Dropout(0.5).Call(model);
            model = new Dense(1024).Call(model);
            model = new LeakyReLU(alpha: 0.2).Call(model);
            model = new Dropout(0.5).Call(model);
            model = new Dense(1024).Call(model);
            model = new LeakyReLU(alpha: 0.2).Call(model);
            model = new Dropout(0.5).Call(model);
            var validity = new Dense(1, activation: "sigmoid").Call(model);

            return new Functional([z, img], validity, name: "discriminator");
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

                // Sample noise and generate img
                var z = Normal(halfBatch, LatentDim);
                var imgs_ = generator.Predict(z);

                // Select a random half batch of images and encode
                var idx = RandInt(xTrain.shape[0], halfBatch);
                var imgs = xTrain[idx];
                var z_ = encoder.Predict(imgs);

                var valid = Truths(halfBatch, 1);
                var fake = Truths(halfBatch, 0);

                // Train the discriminator (img -> z is valid, z -> img is fake)
                var dLossReal = discriminator.TrainOnBatch([z_, imgs], [valid]);
                var dLossFake = discriminator.TrainOnBatch([z, imgs_], [fake]);
                var dLoss = Mean(dLossReal, dLossFake);

                // ---------------------
                //  Train Generator
                // ---------------------

                // Sample gaussian noise
                z = Normal(batchSize, LatentDim);

                // Select a random half batch of images
                idx = RandInt(xTrain.shape[0], batchSize);
                imgs = xTrain[idx];

                valid = Truths(batchSize, 1);
                fake = Truths(batchSize, 0);

                // Train the generator (z -> img is valid and img -> z is is invalid)
                var gLoss = biganGenerator.TrainOnBatch([z, imgs], [valid, fake]);

                // Plot the progress
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{epoch} [D loss: {dLoss[0]:F6}, acc: {100 * dLoss[1]:F2}%] [G loss: {gLoss[0]:F6}]"));

                // If at save interval => save generated image samples
                if (epoch % saveInterval == 0 || epoch == epochs - 1)
                    SaveImgs(settings, epoch);
            }

            // The trained networks' weights (the port's addition; no GAN file: see the doc)
            KerasGanOutput.SaveModel(settings, ("generator", generator), ("encoder", encoder), ("discriminator", discriminator));
        }

        private void SaveImgs(PortSettings settings, int epoch)
        {
            const int r = 5, c = 5;
            using var scope = torch.NewDisposeScope();
            var z = Normal(r * c, LatentDim);
            var genImgs = generator.Predict(z);
            KerasGanOutput.SampleImages(settings, epoch, genImgs, c);
        }

        public void Dispose()
        {
            biganGenerator.Dispose();
            encoder.Dispose();
            generator.Dispose();
            discriminator.Dispose();
        }
    }
}
