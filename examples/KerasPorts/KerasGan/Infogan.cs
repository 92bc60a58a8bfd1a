using System.Globalization;
using Gan.Keras.Layers;
using Gan.Keras.Losses;
using Gan.Keras.Models;
using Gan.Keras.Optimizers;
using TorchSharp;
using static Gan.Keras.Examples.KerasPorts.KerasGan.KerasGanData;

namespace Gan.Keras.Examples.KerasPorts.KerasGan;

/// <summary>
/// Keras-GAN's <c>infogan/infogan.py</c> (Erik Linder-Norén, MIT licence): InfoGAN on MNIST with a categorical and two
/// continuous codes, line by line. docs/keras-ports/infogan.md sets the two side by side.
/// </summary>
internal sealed class Infogan : KerasPort
{
    /// <inheritdoc />
    public override string Name => "infogan";

    /// <inheritdoc />
    public override string Description => "InfoGAN on MNIST (Keras-GAN infogan/infogan.py, MIT)";

    /// <inheritdoc />
    public override void Run(PortSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        using var infogan = new INFOGAN();
        infogan.Train(settings, epochs: settings.Steps, batchSize: 32, saveInterval: 50);
    }

    /// <summary>The original's <c>class INFOGAN</c>.</summary>
    private sealed class INFOGAN : IDisposable
    {
        private const int ImgRows = 28;
        private const int ImgCols = 28;
        private const int Channels = 1;
        private const int NumClasses = 10;
        private static readonly long[] ImgShape = [Channels, ImgRows, ImgCols];
        private const int LatentDim = 74;

        private readonly Functional discriminator;
        private readonly Functional generator;
        private readonly Functional combined;

        public INFOGAN()
        {
            // Build and compile the discriminator (one Adam(0.0002, 0.5) per compiled model: see the doc)
            discriminator = BuildDiscriminator();
            PrintParams("discriminator", discriminator);
            discriminator.Compile(new Adam(0.0002, 0.5), Losses(), metrics: ["accuracy"]);

            // Build and compile the generator
            generator = BuildGenerator();
            PrintParams("generator", generator);
            generator.Compile(new Adam(0.0002, 0.5), new BinaryCrossentropy());

            // The generator takes noise and the target label as input and generates the corresponding digit of that label
            var genInput = Keras.Input([LatentDim]);
            var img = generator.Call(genInput);

            // For the combined model we will only train the generator
            discriminator.Trainable = false;

            // The discriminator takes generated image as input and determines validity and the label of that image
            var validLabelCont = discriminator.CallOutputs(img);

            // The combined model (stacked generator and discriminator) takes noise as input => generates images =>
            // determines validity
            combined = new Functional(genInput, validLabelCont);
            combined.Compile(new Adam(0.0002, 0.5), Losses());
        }

        // losses = ['binary_crossentropy', 'categorical_crossentropy', self.gaussian_loss]
        private static Loss[] Losses() => [new BinaryCrossentropy(), new CategoricalCrossentropy(), new GaussianLoss()];

        private static Functional BuildGenerator()
        {
            var model = new Sequential();

            model.Add(new Dense(1024, activation: "relu"));
            model.Add(new BatchNormalization(momentum: 0.8));
            model.Add(new Dense(128 * 7 * 7, activation: "relu"));
            model.Add(new BatchNormalization(momentum: 0.8));
            model.Add(new Reshape([128, 7, 7]));
            model.Add(new UpSampling2D());
            model.Add(new Conv2D(64, kernelSize: 4, padding: "same"));
            model.Add(new Activation("relu"));
            model.Add(new BatchNormalization(momentum: 0.8));
            model.Add(new UpSampling2D());
            model.Add(new Conv2D(Channels, kernelSize: 4, padding: "same"));
            model.Add(new Activation("tanh"));

            var genInput = Keras.Input([LatentDim]);
            var img = model.Call(genInput);

            return new Functional(genInput, img, name: "generator");
        }

        private static Functional BuildDiscriminator()
        {
            var model = new Sequential();

            model.Add(new Conv2D(64, kernelSize: 4, strides: 2, padding: "same"));
            model.Add(new LeakyReLU(alpha: 0.2));
            model.Add(new Dropout(0.25));
            model.Add(new Conv2D(128, kernelSize: 4, strides: 2, padding: "same"));
            model.Add(new LeakyReLU(alpha: 0.2));
            model.Add(new BatchNormalization(momentum: 0.8));
            model.Add(new Dropout(0.25));
            model.Add(new Flatten());
            model.Add(new Dense(1024));
            model.Add(new LeakyReLU(alpha: 0.2));
            model.Add(new BatchNormalization(momentum: 0.8));

            var img = Keras.Input(ImgShape);

            var features = model.Call(img);

            var validity = new Dense(1, activation: "sigmoid").Call(features);

            // linmax: K.maximum(x, -16); linmax_shape: the input shape
            static torch.Tensor Linmax(torch.Tensor x) => torch.clamp_min(x, -16);
            static IReadOnlyList<long> LinmaxShape(IReadOnlyList<long> inputShape) => inputShape;

            var labelModel = new Dense(128).Call(features);
            labelModel = new LeakyReLU(alpha: 0.2).Call(labelModel);
            labelModel = new BatchNormalization(momentum: 0.8).Call(labelModel);

            var label = new Dense(NumClasses, activation: "softmax").Call(labelModel);
            var mean = new Dense(1, activation: "linear").Call(labelModel);
            var logStddev = new Dense(1).Call(labelModel);
            logStddev = new Lambda(Linmax, outputShape: LinmaxShape).Call(logStddev);

            var cont = new Concatenate(axis: 1).Call(mean, logStddev);

            return new Functional(img, [validity, label, cont], name: "discriminator");
        }

        private static (torch.Tensor Noise, torch.Tensor Labels, torch.Tensor Cont) SampleGeneratorInput(int batchSize)
        {
            // Generator inputs
            var sampledNoise = Normal(batchSize, 62);
            var sampledLabels = ToCategorical(RandInt(10, batchSize).reshape(-1, 1), NumClasses);
            var sampledCont = Uniform(-1, 1, batchSize, 2);
            return (sampledNoise, sampledLabels, sampledCont);
        }

        // np.random.uniform(low, high, size=(rows, columns))
        private static torch.Tensor Uniform(double low, double high, long rows, long columns) => torch.rand(rows, columns) * (high - low) + low;

        public void Train(PortSettings settings, int epochs, int batchSize = 128, int saveInterval = 50)
        {
            // Load the dataset (rescaled to [-1, 1], labels as a column)
            var (xTrain, yTrain) = LoadMnist();
            using var xTrainScope = xTrain;
            using var yTrainScope = yTrain;

            int halfBatch = batchSize / 2;

            for (int epoch = 0; epoch < epochs; epoch++)
            {
                using var scope = torch.NewDisposeScope();

                // ---------------------
                //  Train Discriminator
                // ---------------------

                // Train discriminator on generator output
                var (sampledNoise, sampledLabels, sampledCont) = SampleGeneratorInput(halfBatch);
                var genInput = torch.cat([sampledNoise, sampledLabels, sampledCont], 1);
                // Generate a half batch of new images
                var genImgs = generator.Predict(genInput);
                var fake = Truths(halfBatch, 0);
                var dLossFake = discriminator.TrainOnBatch([genImgs], [fake, sampledLabels, sampledCont]);

                // Train discriminator on real data
                // Select a random half batch of images
                var idx = RandInt(xTrain.shape[0], halfBatch);
                var imgs = xTrain[idx];
                var labels = ToCategorical(yTrain[idx], NumClasses);
                var valid = Truths(halfBatch, 1);
                var dLossReal = discriminator.TrainOnBatch([imgs], [valid, labels, sampledCont]);

                // Avg. loss
                var dLoss = Mean(dLossReal, dLossFake);

                // ---------------------
                //  Train Generator
                // ---------------------

                valid = Truths(batchSize, 1);

                // Generator inputs
                sampledNoise = Normal(batchSize, 62);
                sampledLabels = ToCategorical(RandInt(10, batchSize).reshape(-1, 1), NumClasses);
                sampledCont = Uniform(-1, 1, batchSize, 2);
                genInput = torch.cat([sampledNoise, sampledLabels, sampledCont], 1);

                // Train the generator
                var gLoss = combined.TrainOnBatch([genInput], [valid, sampledLabels, sampledCont]);

                // Plot the progress
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{epoch} [D loss: {dLoss[0]:F2}, acc.: {100 * dLoss[4]:F2}%, label_acc: {100 * dLoss[5]:F2}%] [G loss: {gLoss[0]:F2}]"));

                // If at save interval => save generated image samples
                if (epoch % saveInterval == 0 || epoch == epochs - 1)
                    SaveImgs(settings, epoch);
            }

            // The trained networks' weights (the port's addition)
            KerasGanOutput.SaveModel(settings, ("generator", generator), ("discriminator", discriminator));
            WriteGanFile(settings);
        }

        /// <summary>
        /// The GAN file the gan CLI opens (the port's addition): the generator behind its three parts as separate inputs
        /// (noise, one-hot label, continuous code; the original packs them into one vector in that order), and the
        /// discriminator's adversarial head alone (the Q heads hold the linmax Lambda, which no file describes).
        /// </summary>
        private void WriteGanFile(PortSettings settings)
        {
            var noise = Keras.Input([62], name: "latent");
            var code = Keras.Input([NumClasses], name: "code");
            var continuous = Keras.Input([2], name: "continuous_code");
            var packed = new Concatenate(axis: 1).Call(noise, code, continuous);
            var sampling = new Functional([noise, code, continuous], generator.Call(packed), name: "generator");
            var adversary = new Functional(discriminator.Inputs, [discriminator.Outputs[0]], name: "discriminator");
            KerasGanOutput.WriteRun(settings, "gan.keras", sampling, adversary,
                [GeneratorInput.Latent(62), GeneratorInput.CategoricalCode(NumClasses), GeneratorInput.UniformCode(2)]);
        }

        private void SaveImgs(PortSettings settings, int epoch)
        {
            const int r = 10, c = 10;
            using var scope = torch.NewDisposeScope();
            var rows = new List<torch.Tensor>();
            for (int i = 0; i < r; i++)
            {
                var sampledNoise = Normal(c, 62);
                var sampledLabels = ToCategorical(torch.arange(0, 10, torch.ScalarType.Int64).reshape(-1, 1), NumClasses);
                var sampledCont = torch.linspace(-1, 1, c).unsqueeze(1).repeat(1, 2);
                var genInput = torch.cat([sampledNoise, sampledLabels, sampledCont], 1);
                rows.Add(generator.Predict(genInput));
            }
            KerasGanOutput.SampleImages(settings, epoch, torch.cat(rows, 0), c);
        }

        public void Dispose()
        {
            combined.Dispose();
            generator.Dispose();
            discriminator.Dispose();
        }
    }

    /// <summary>
    /// The original's <c>gaussian_loss</c> (after tdeboissiere/DeepLearningImplementations' InfoGAN), term for term: it
    /// indexes the batch (<c>y_pred[0]</c> is the first example's [mean, log σ] pair, <c>y_pred[1]</c> the second's), as
    /// the original does, and returns one mean, which Keras then spreads over the batch.
    /// </summary>
    internal sealed class GaussianLoss : Loss
    {
        /// <inheritdoc />
        protected override torch.Tensor PerExample(torch.Tensor yTrue, torch.Tensor yPred)
        {
            var mean = yPred[0];
            var logStddev = yPred[1];

            var yTrue0 = yTrue[0];

            var epsilon = (yTrue0 - mean) / (torch.exp(logStddev) + 1e-7);
            var loss = logStddev + 0.5 * torch.square(epsilon);

            // K.mean(loss), one value for every example (Keras 2 weights it per example)
            return torch.mean(loss).expand(yPred.shape[0]);
        }
    }
}
