using System.Globalization;
using Gan.Keras.Layers;
using Gan.Keras.Losses;
using Gan.Keras.Models;
using Gan.Keras.Optimizers;
using TorchSharp;
using static Gan.Keras.Examples.KerasPorts.KerasGan.KerasGanData;

namespace Gan.Keras.Examples.KerasPorts.KerasGan;

/// <summary>
/// Keras-GAN's <c>cogan/cogan.py</c> (Erik Linder-Norén, MIT licence): coupled GANs that share their first generator and
/// discriminator layers, on MNIST and MNIST rotated by 90°, line by line. docs/keras-ports/cogan.md sets the two side
/// by side.
/// </summary>
internal sealed class Cogan : KerasPort
{
    /// <inheritdoc />
    public override string Name => "cogan";

    /// <inheritdoc />
    public override string Description => "Coupled GANs on MNIST and rotated MNIST (Keras-GAN cogan/cogan.py, MIT)";

    /// <inheritdoc />
    public override void Run(PortSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        using var gan = new COGAN();
        gan.Train(settings, epochs: settings.Steps, batchSize: 32, sampleInterval: 200);
    }

    /// <summary>The original's <c>class COGAN</c> (reference: https://wiseodd.github.io/techblog/2017/02/18/coupled_gan/).</summary>
    private sealed class COGAN : IDisposable
    {
        private const int ImgRows = 28;
        private const int ImgCols = 28;
        private const int Channels = 1;
        private static readonly long[] ImgShape = [Channels, ImgRows, ImgCols];
        private const int LatentDim = 100;

        private readonly Functional d1;
        private readonly Functional d2;
        private readonly Functional g1;
        private readonly Functional g2;
        private readonly Functional combined;

        public COGAN()
        {
            // Build and compile the discriminator (one Adam(0.0002, 0.5) per compiled model: see the doc)
            (d1, d2) = BuildDiscriminators();
            PrintParams("d1", d1);
            PrintParams("d2", d2);
            d1.Compile(new Adam(0.0002, 0.5), new BinaryCrossentropy(), metrics: ["accuracy"]);
            d2.Compile(new Adam(0.0002, 0.5), new BinaryCrossentropy(), metrics: ["accuracy"]);

            // Build the generator
            (g1, g2) = BuildGenerators();
            PrintParams("g1", g1);
            PrintParams("g2", g2);

            // The generator takes noise as input and generated imgs
            var z = Keras.Input([LatentDim]);
            var img1 = g1.Call(z);
            var img2 = g2.Call(z);

            // For the combined model we will only train the generators
            d1.Trainable = false;
            d2.Trainable = false;

            // The valid takes generated images as input and determines validity
            var valid1 = d1.Call(img1);
            var valid2 = d2.Call(img2);

            // The combined model (stacked generators and discriminators) trains generators to fool discriminators
            combined = new Functional(z, [valid1, valid2]);
            combined.Compile(new Adam(0.0002, 0.5), [new BinaryCrossentropy(), new BinaryCrossentropy()]);
        }

        private static (Functional G1, Functional G2) BuildGenerators()
        {
            // Shared weights between generators
            var model = new Sequential();
            model.Add(new Dense(256));
            model.Add(new LeakyReLU(alpha: 0.2));
            model.Add(new BatchNormalization(momentum: 0.8));
            model.Add(new Dense(512));
            model.Add(new LeakyReLU(alpha: 0.2));
            model.Add(new BatchNormalization(momentum: 0.8));

            var noise = Keras.Input([LatentDim]);
            var featureRepr = model.Call(noise);

            // Generator 1
            var g1 = new Dense(1024).Call(featureRepr);
            g1 = new LeakyReLU(alpha: 0.2).Call(g1);
            g1 = new BatchNormalization(momentum: 0.8).Call(g1);
            g1 = new Dense(Channels * ImgRows * ImgCols, activation: "tanh").Call(g1);
            var img1 = new Reshape(ImgShape).Call(g1);

            // Generator 2
            var g2 = new Dense(1024).Call(featureRepr);
            g2 = new LeakyReLU(alpha: 0.2).Call(g2);
            g2 = new BatchNormalization(momentum: 0.8).Call(g2);
            g2 = new Dense(Channels * ImgRows * ImgCols, activation: "tanh").Call(g2);
            var img2 = new Reshape(ImgShape).Call(g2);

            return (new Functional(noise, img1, name: "g1"), new Functional(noise, img2, name: "g2"));
        }

        private static (Functional D1, Functional D2) BuildDiscriminators()
        {
            var img1 = Keras.Input(ImgShape);
            var img2 = Keras.Input(ImgShape);

            // Shared discriminator layers
            var model = new Sequential();
            model.Add(new Flatten());
            model.Add(new Dense(512));
            model.Add(new LeakyReLU(alpha: 0.2));
            model.Add(new Dense(256));
            model.Add(new LeakyReLU(alpha: 0.2));

            var img1Embedding = model.Call(img1);
            var img2Embedding = model.Call(img2);

            // Discriminator 1
            var validity1 = new Dense(1, activation: "sigmoid").Call(img1Embedding);
            // Discriminator 2
            var validity2 = new Dense(1, activation: "sigmoid").Call(img2Embedding);

            return (new Functional(img1, validity1, name: "d1"), new Functional(img2, validity2, name: "d2"));
        }

        public void Train(PortSettings settings, int epochs, int batchSize = 128, int sampleInterval = 50)
        {
            // Load the dataset (rescaled to [-1, 1])
            var (xTrain, yTrain) = LoadMnist();
            yTrain.Dispose();

            // Images in domain A and B (rotated by 90° in the image plane: scipy's rotate(X2, 90, axes=(1, 2)))
            long half = xTrain.shape[0] / 2;
            using var x1 = xTrain[..(int)half].clone();
            using var x2 = torch.rot90(xTrain[(int)half..], 1, (2, 3)).contiguous();
            xTrain.Dispose();

            // Adversarial ground truths
            using var valid = Truths(batchSize, 1);
            using var fake = Truths(batchSize, 0);

            for (int epoch = 0; epoch < epochs; epoch++)
            {
                using var scope = torch.NewDisposeScope();

                // ----------------------
                //  Train Discriminators
                // ----------------------

                // Select a random batch of images
                var idx = RandInt(x1.shape[0], batchSize);
                var imgs1 = x1[idx];
                var imgs2 = x2[idx];

                // Sample noise as generator input
                var noise = Normal(batchSize, 100);

                // Generate a batch of new images
                var genImgs1 = g1.Predict(noise);
                var genImgs2 = g2.Predict(noise);

                // Train the discriminators
                var d1LossReal = d1.TrainOnBatch(imgs1, valid);
                var d2LossReal = d2.TrainOnBatch(imgs2, valid);
                var d1LossFake = d1.TrainOnBatch(genImgs1, fake);
                var d2LossFake = d2.TrainOnBatch(genImgs2, fake);
                var d1Loss = Mean(d1LossReal, d1LossFake);
                var d2Loss = Mean(d2LossReal, d2LossFake);

                // ------------------
                //  Train Generators
                // ------------------

                var gLoss = combined.TrainOnBatch([noise], [valid, valid]);

                // Plot the progress
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{epoch} [D1 loss: {d1Loss[0]:F6}, acc.: {100 * d1Loss[1]:F2}%] [D2 loss: {d2Loss[0]:F6}, acc.: {100 * d2Loss[1]:F2}%] [G loss: {gLoss[0]:F6}]"));

                // If at save interval => save generated image samples
                if (epoch % sampleInterval == 0 || epoch == epochs - 1)
                    SampleImages(settings, epoch);
            }

            // The trained networks (the port's addition: their weights, and the GAN file the gan CLI opens)
            KerasGanOutput.SaveModel(settings, ("g1", g1), ("g2", g2), ("d1", d1), ("d2", d2));
            KerasGanOutput.WriteRun(settings, "gan1.keras", g1, d1, [GeneratorInput.Latent(LatentDim)]);
            KerasGanOutput.WriteRun(settings, "gan2.keras", g2, d2, [GeneratorInput.Latent(LatentDim)]);
        }

        private void SampleImages(PortSettings settings, int epoch)
        {
            const int r = 4, c = 4;
            using var scope = torch.NewDisposeScope();
            var noise = Normal(r * (c / 2), 100);
            var genImgs1 = g1.Predict(noise);
            var genImgs2 = g2.Predict(noise);

            var genImgs = torch.cat([genImgs1, genImgs2], 0);
            KerasGanOutput.SampleImages(settings, epoch, genImgs, c);
        }

        public void Dispose()
        {
            combined.Dispose();
            g1.Dispose();
            g2.Dispose();
            d1.Dispose();
            d2.Dispose();
        }
    }
}
