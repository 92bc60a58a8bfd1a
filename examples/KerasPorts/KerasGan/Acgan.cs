using System.Globalization;
using Gan.Keras.Layers;
using Gan.Keras.Losses;
using Gan.Keras.Models;
using Gan.Keras.Optimizers;
using TorchSharp;
using static Gan.Keras.Examples.KerasPorts.KerasGan.KerasGanData;

namespace Gan.Keras.Examples.KerasPorts.KerasGan;

/// <summary>
/// Keras-GAN's <c>acgan/acgan.py</c> (Erik Linder-Norén, MIT licence): an auxiliary-classifier GAN on MNIST, line by
/// line. docs/keras-ports/acgan.md sets the two side by side.
/// </summary>
internal sealed class Acgan : KerasPort
{
    /// <inheritdoc />
    public override string Name => "acgan";

    /// <inheritdoc />
    public override string Description => "AC-GAN on MNIST (Keras-GAN acgan/acgan.py, MIT)";

    /// <inheritdoc />
    public override void Run(PortSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        using var acgan = new ACGAN();
        acgan.Train(settings, epochs: settings.Steps, batchSize: 32, sampleInterval: 200);
    }

    /// <summary>The original's <c>class ACGAN</c>.</summary>
    private sealed class ACGAN : IDisposable
    {
        // Input shape
        private const int ImgRows = 28;
        private const int ImgCols = 28;
        private const int Channels = 1;
        private const int NumClasses = 10;
        private const int LatentDim = 100;
        private static readonly long[] ImgShape = [Channels, ImgRows, ImgCols];

        private readonly Functional discriminator;
        private readonly Functional generator;
        private readonly Functional combined;

        public ACGAN()
        {
            // Build and compile the discriminator (Keras shares one Adam(0.0002, 0.5) between the two compiles; each
            // compiled model gets its own here, as Keras 3 requires)
            discriminator = BuildDiscriminator();
            PrintParams("discriminator", discriminator);
            discriminator.Compile(new Adam(0.0002, 0.5), Losses(), metrics: ["accuracy"]);

            // Build the generator
            generator = BuildGenerator();
            PrintParams("generator", generator);

            // The generator takes noise and the target label as input and generates the corresponding digit of that label
            var noise = Keras.Input([LatentDim]);
            var label = Keras.Input([1], torch.ScalarType.Int64);
            var img = generator.Call(noise, label);

            // For the combined model we will only train the generator
            discriminator.Trainable = false;

            // The discriminator takes generated image as input and determines validity and the label of that image
            var validAndLabel = discriminator.CallOutputs(img);

            // The combined model (stacked generator and discriminator) trains the generator to fool the discriminator
            combined = new Functional([noise, label], validAndLabel);
            combined.Compile(new Adam(0.0002, 0.5), Losses());
        }

        // losses = ['binary_crossentropy', 'sparse_categorical_crossentropy']
        private static Loss[] Losses() => [new BinaryCrossentropy(), new SparseCategoricalCrossentropy()];

        private static Functional BuildGenerator()
        {
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
            model.Add(new Conv2D(Channels, kernelSize: 3, padding: "same"));
            model.Add(new Activation("tanh"));

            var noise = Keras.Input([LatentDim]);
            var label = Keras.Input([1], torch.ScalarType.Int64);
            var labelEmbedding = new Flatten().Call(new Embedding(NumClasses, 100).Call(label));

            var modelInput = new Multiply().Call(noise, labelEmbedding);
            var img = model.Call(modelInput);

            return new Functional([noise, label], img, name: "generator");
        }

        private static Functional BuildDiscriminator()
        {
            var model = new Sequential();

            model.Add(new Conv2D(16, kernelSize: 3, strides: 2, padding: "same"));
            model.Add(new LeakyReLU(alpha: 0.2));
            model.Add(new Dropout(0.25));
            model.Add(new Conv2D(32, kernelSize: 3, strides: 2, padding: "same"));
            model.Add(new ZeroPadding2D((0, 1), (0, 1)));
            model.Add(new LeakyReLU(alpha: 0.2));
            model.Add(new Dropout(0.25));
            model.Add(new BatchNormalization(momentum: 0.8));
            model.Add(new Conv2D(64, kernelSize: 3, strides: 2, padding: "same"));
            model.Add(new LeakyReLU(alpha: 0.2));
            model.Add(new Dropout(0.25));
            model.Add(new BatchNormalization(momentum: 0.8));
            model.Add(new Conv2D(128, kernelSize: 3, strides: 1, padding: "same"));
            model.Add(new LeakyReLU(alpha: 0.2));
            model.Add(new Dropout(0.25));

            model.Add(new Flatten());

            var img = Keras.Input(ImgShape);

            // Extract feature representation
            var features = model.Call(img);

            // Determine validity and label of the image
            var validity = new Dense(1, activation: "sigmoid").Call(features);
            var label = new Dense(NumClasses, activation: "softmax").Call(features);

            return new Functional(img, [validity, label], name: "discriminator");
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

                // Select a random batch of images
                var idx = RandInt(xTrain.shape[0], batchSize);
                var imgs = xTrain[idx];

                // Sample noise as generator input
                var noise = Normal(batchSize, 100);

                // The labels of the digits that the generator tries to create an image representation of
                var sampledLabels = RandInt(10, batchSize).reshape(batchSize, 1);

                // Generate a half batch of new images
                var genImgs = generator.PredictOutputs([noise, sampledLabels])[0];

                // Image labels. 0-9
                var imgLabels = yTrain[idx];

                // Train the discriminator
                var dLossReal = discriminator.TrainOnBatch([imgs], [valid, imgLabels]);
                var dLossFake = discriminator.TrainOnBatch([genImgs], [fake, sampledLabels]);
                var dLoss = Mean(dLossReal, dLossFake);

                // ---------------------
                //  Train Generator
                // ---------------------

                // Train the generator
                var gLoss = combined.TrainOnBatch([noise, sampledLabels], [valid, sampledLabels]);

                // Plot the progress
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{epoch} [D loss: {dLoss[0]:F6}, acc.: {100 * dLoss[3]:F2}%, op_acc: {100 * dLoss[4]:F2}%] [G loss: {gLoss[0]:F6}]"));

                // If at save interval => save generated image samples
                if (epoch % sampleInterval == 0 || epoch == epochs - 1)
                {
                    SaveModel(settings);
                    SampleImages(settings, epoch);
                }
            }

            // The GAN file the gan CLI opens (the port's addition)
            KerasGanOutput.WriteRun(settings, "gan.keras", generator, discriminator, [GeneratorInput.Latent(LatentDim), GeneratorInput.Labels(NumClasses)]);
        }

        private void SampleImages(PortSettings settings, int epoch)
        {
            const int r = 10, c = 10;
            using var scope = torch.NewDisposeScope();
            var noise = Normal(r * c, 100);
            var sampledLabels = torch.arange(c, torch.ScalarType.Int64).repeat(r).reshape(-1, 1);
            var genImgs = generator.PredictOutputs([noise, sampledLabels])[0];
            KerasGanOutput.SampleImages(settings, epoch, genImgs, c);
        }

        private void SaveModel(PortSettings settings) =>
            KerasGanOutput.SaveModel(settings, ("generator", generator), ("discriminator", discriminator));

        public void Dispose()
        {
            combined.Dispose();
            generator.Dispose();
            discriminator.Dispose();
        }
    }
}
