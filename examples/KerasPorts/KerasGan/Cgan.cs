using System.Globalization;
using Gan.Keras.Layers;
using Gan.Keras.Losses;
using Gan.Keras.Models;
using Gan.Keras.Optimizers;
using TorchSharp;
using static Gan.Keras.Examples.KerasPorts.KerasGan.KerasGanData;

namespace Gan.Keras.Examples.KerasPorts.KerasGan;

/// <summary>
/// Keras-GAN's <c>cgan/cgan.py</c> (Erik Linder-Norén, MIT licence): a conditional GAN of MLPs on MNIST, line by line.
/// docs/keras-ports/cgan.md sets the two side by side.
/// </summary>
internal sealed class Cgan : KerasPort
{
    /// <inheritdoc />
    public override string Name => "cgan";

    /// <inheritdoc />
    public override string Description => "Conditional GAN on MNIST (Keras-GAN cgan/cgan.py, MIT)";

    /// <inheritdoc />
    public override void Run(PortSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        using var cgan = new CGAN();
        cgan.Train(settings, epochs: settings.Steps, batchSize: 32, sampleInterval: 200);
    }

    /// <summary>The original's <c>class CGAN</c>.</summary>
    private sealed class CGAN : IDisposable
    {
        // Input shape
        private const int ImgRows = 28;
        private const int ImgCols = 28;
        private const int Channels = 1;
        private static readonly long[] ImgShape = [Channels, ImgRows, ImgCols];
        private const int NumClasses = 10;
        private const int LatentDim = 100;

        private readonly Functional discriminator;
        private readonly Functional generator;
        private readonly Functional combined;

        public CGAN()
        {
            // Build and compile the discriminator (one Adam(0.0002, 0.5) per compiled model: see the doc)
            discriminator = BuildDiscriminator();
            PrintParams("discriminator", discriminator);
            discriminator.Compile(new Adam(0.0002, 0.5), new BinaryCrossentropy(), metrics: ["accuracy"]);

            // Build the generator
            generator = BuildGenerator();
            PrintParams("generator", generator);

            // The generator takes noise and the target label as input and generates the corresponding digit of that label
            var noise = Keras.Input([100]);
            var label = Keras.Input([1], torch.ScalarType.Int64);
            var img = generator.Call(noise, label);

            // For the combined model we will only train the generator
            discriminator.Trainable = false;

            // The discriminator takes generated image as input and determines validity and the label of that image
            var valid = discriminator.Call(img, label);

            // The combined model (stacked generator and discriminator) trains generator to fool discriminator
            combined = new Functional([noise, label], valid);
            combined.Compile(new Adam(0.0002, 0.5), new BinaryCrossentropy());
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
            var label = Keras.Input([1], torch.ScalarType.Int64);
            var labelEmbedding = new Flatten().Call(new Embedding(NumClasses, LatentDim).Call(label));

            var modelInput = new Multiply().Call(noise, labelEmbedding);
            var img = model.Call(modelInput);

            return new Functional([noise, label], img, name: "generator");
        }

        private static Functional BuildDiscriminator()
        {
            var model = new Sequential();

            model.Add(new Dense(512));
            model.Add(new LeakyReLU(alpha: 0.2));
            model.Add(new Dense(512));
            model.Add(new LeakyReLU(alpha: 0.2));
            model.Add(new Dropout(0.4));
            model.Add(new Dense(512));
            model.Add(new LeakyReLU(alpha: 0.2));
            model.Add(new Dropout(0.4));
            model.Add(new Dense(1, activation: "sigmoid"));

            var img = Keras.Input(ImgShape);
            var label = Keras.Input([1], torch.ScalarType.Int64);

            var labelEmbedding = new Flatten().Call(new Embedding(NumClasses, Channels * ImgRows * ImgCols).Call(label));
            var flatImg = new Flatten().Call(img);

            var modelInput = new Multiply().Call(flatImg, labelEmbedding);

            var validity = model.Call(modelInput);

            return new Functional([img, label], validity, name: "discriminator");
        }

        public void Train(PortSettings settings, int epochs, int batchSize = 128, int sampleInterval = 50)
        {
            // Load the dataset (rescaled to [-1, 1], labels as a column)
            var (xTrain, yTrain) = LoadMnist();
            using var xTrainScope = xTrain;
            using var yTrainScope = yTrain;

            // Adversarial ground truths
            using var valid = Truths(batchSize, 1);
            using var fake = Truths(batchSize, 0);

            for (int epoch = 0; epoch < epochs; epoch++)
            {
                using var scope = torch.NewDisposeScope();

                // ---------------------
                //  Train Discriminator
                // ---------------------

                // Select a random half batch of images
                var idx = RandInt(xTrain.shape[0], batchSize);
                var (imgs, labels) = (xTrain[idx], yTrain[idx]);

                // Sample noise as generator input
                var noise = Normal(batchSize, 100);

                // Generate a half batch of new images
                var genImgs = generator.PredictOutputs([noise, labels])[0];

                // Train the discriminator
                var dLossReal = discriminator.TrainOnBatch([imgs, labels], [valid]);
                var dLossFake = discriminator.TrainOnBatch([genImgs, labels], [fake]);
                var dLoss = Mean(dLossReal, dLossFake);

                // ---------------------
                //  Train Generator
                // ---------------------

                // Condition on labels
                var sampledLabels = RandInt(10, batchSize).reshape(-1, 1);

                // Train the generator
                var gLoss = combined.TrainOnBatch([noise, sampledLabels], [valid]);

                // Plot the progress
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{epoch} [D loss: {dLoss[0]:F6}, acc.: {100 * dLoss[1]:F2}%] [G loss: {gLoss[0]:F6}]"));

                // If at save interval => save generated image samples
                if (epoch % sampleInterval == 0 || epoch == epochs - 1)
                    SampleImages(settings, epoch);
            }

            // The trained networks (the port's addition: their weights, and the GAN file the gan CLI opens)
            KerasGanOutput.SaveModel(settings, ("generator", generator), ("discriminator", discriminator));
            KerasGanOutput.WriteRun(settings, "gan.keras", generator, discriminator, [GeneratorInput.Latent(LatentDim), GeneratorInput.Labels(NumClasses)]);
        }

        private void SampleImages(PortSettings settings, int epoch)
        {
            const int r = 2, c = 5;
            using var scope = torch.NewDisposeScope();
            var noise = Normal(r * c, 100);
            var sampledLabels = torch.arange(0, 10, torch.ScalarType.Int64).reshape(-1, 1);

            var genImgs = generator.PredictOutputs([noise, sampledLabels])[0];
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
