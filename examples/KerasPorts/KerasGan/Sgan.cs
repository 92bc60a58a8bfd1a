using System.Globalization;
using Gan.Keras.Layers;
using Gan.Keras.Losses;
using Gan.Keras.Models;
using Gan.Keras.Optimizers;
using TorchSharp;
using static Gan.Keras.Examples.KerasPorts.KerasGan.KerasGanData;

namespace Gan.Keras.Examples.KerasPorts.KerasGan;

/// <summary>
/// Keras-GAN's <c>sgan/sgan.py</c> (Erik Linder-Norén, MIT licence): a semi-supervised GAN whose discriminator also
/// classifies the digit or "fake" (11 classes), line by line. docs/keras-ports/sgan.md sets the two side by side.
/// </summary>
internal sealed class Sgan : KerasPort
{
    /// <inheritdoc />
    public override string Name => "sgan";

    /// <inheritdoc />
    public override string Description => "Semi-supervised GAN on MNIST (Keras-GAN sgan/sgan.py, MIT)";

    /// <inheritdoc />
    public override void Run(PortSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        using var sgan = new SGAN();
        sgan.Train(settings, epochs: settings.Steps, batchSize: 32, sampleInterval: 50);
    }

    /// <summary>The original's <c>class SGAN</c>.</summary>
    private sealed class SGAN : IDisposable
    {
        private const int ImgRows = 28;
        private const int ImgCols = 28;
        private const int Channels = 1;
        private static readonly long[] ImgShape = [Channels, ImgRows, ImgCols];
        private const int NumClasses = 10;
        private const int LatentDim = 100;

        private readonly Functional discriminator;
        private readonly Functional generator;
        private readonly Functional combined;

        public SGAN()
        {
            // Build and compile the discriminator (one Adam(0.0002, 0.5) per compiled model: see the doc)
            discriminator = BuildDiscriminator();
            PrintParams("discriminator", discriminator);
            discriminator.Compile(
                new Adam(0.0002, 0.5),
                [new BinaryCrossentropy(), new CategoricalCrossentropy()],
                lossWeights: [0.5, 0.5],
                metrics: ["accuracy"]);

            // Build the generator
            generator = BuildGenerator();
            PrintParams("generator", generator);

            // The generator takes noise as input and generates imgs
            var noise = Keras.Input([100]);
            var img = generator.Call(noise);

            // For the combined model we will only train the generator
            discriminator.Trainable = false;

            // The valid takes generated images as input and determines validity
            var valid = discriminator.CallOutputs(img)[0];

            // The combined model (stacked generator and discriminator) trains generator to fool discriminator
            combined = new Functional(noise, valid);
            combined.Compile(new Adam(0.0002, 0.5), new BinaryCrossentropy());
        }

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
            model.Add(new Conv2D(1, kernelSize: 3, padding: "same"));
            model.Add(new Activation("tanh"));

            var noise = Keras.Input([LatentDim]);
            var img = model.Call(noise);

            return new Functional(noise, img, name: "generator");
        }

        private static Functional BuildDiscriminator()
        {
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

            var img = Keras.Input(ImgShape);

            var features = model.Call(img);
            var valid = new Dense(1, activation: "sigmoid").Call(features);
            var label = new Dense(NumClasses + 1, activation: "softmax").Call(features);

            return new Functional(img, [valid, label], name: "discriminator");
        }

        public void Train(PortSettings settings, int epochs, int batchSize = 128, int sampleInterval = 50)
        {
            // Load the dataset (rescaled to [-1, 1], labels as a column)
            var (xTrain, yTrain) = LoadMnist();
            using var xTrainScope = xTrain;
            using var yTrainScope = yTrain;

            // Class weights:
            // To balance the difference in occurences of digit class labels.
            // 50% of labels that the discriminator trains on are 'fake'.
            // Weight = 1 / frequency
            int halfBatch = batchSize / 2;
            var cw1 = new Dictionary<int, double> { [0] = 1, [1] = 1 };
            var cw2 = Enumerable.Range(0, NumClasses).ToDictionary(i => i, _ => (double)NumClasses / halfBatch);
            cw2[NumClasses] = 1.0 / halfBatch;

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

                // Sample noise and generate a batch of new images
                var noise = Normal(batchSize, LatentDim);
                var genImgs = generator.Predict(noise);

                // One-hot encoding of labels
                var labels = ToCategorical(yTrain[idx], NumClasses + 1);
                var fakeLabels = ToCategorical(torch.full(new long[] { batchSize, 1 }, NumClasses, torch.ScalarType.Int64), NumClasses + 1);

                // Train the discriminator
                var dLossReal = discriminator.TrainOnBatch([imgs], [valid, labels], classWeight: [cw1, cw2]);
                var dLossFake = discriminator.TrainOnBatch([genImgs], [fake, fakeLabels], classWeight: [cw1, cw2]);
                var dLoss = Mean(dLossReal, dLossFake);

                // ---------------------
                //  Train Generator
                // ---------------------

                // The original passes class_weight=[cw1, cw2] here too, which changes nothing: Keras 2 ignores a list given to a
                // one-output model, and cw1 weighs both classes 1
                var gLoss = combined.TrainOnBatch(noise, valid);

                // Plot the progress
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{epoch} [D loss: {dLoss[0]:F6}, acc: {100 * dLoss[3]:F2}%, op_acc: {100 * dLoss[4]:F2}%] [G loss: {gLoss[0]:F6}]"));

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
