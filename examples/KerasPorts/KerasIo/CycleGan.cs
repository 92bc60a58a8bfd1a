// Port of keras-io examples/generative/cyclegan.py ("CycleGAN", A_K_Nain, Apache-2.0):
// https://github.com/keras-team/keras-io/blob/master/examples/generative/cyclegan.py. Side by side: docs/keras-ports/cyclegan.md.
using Gan.Keras.Data;
using Gan.Keras.Layers;
using Gan.Keras.Layers.Initializers;
using Gan.Keras.Losses;
using Gan.Keras.Models;
using Gan.Keras.Optimizers;
using Gan.Keras.Saving;
using Gan.Keras.Training;
using TorchSharp;

namespace Gan.Keras.Examples.KerasPorts.KerasIo;

/// <summary>
/// keras-io's CycleGAN: two ResNet generators (with the original's custom <see cref="ReflectionPadding2D"/> layer and
/// instance normalisation, <see cref="GroupNormalization"/> with one group per channel), two PatchGAN discriminators,
/// and the original's <c>train_step</c>: one persistent <see cref="GradientTape"/> over the six generator calls and four
/// discriminator calls, then four gradients and four Adam updates. horse2zebra is not read: domain A is generated
/// outline shapes (circles, squares, triangles) and domain B filled ones, in colour (<see cref="ProceduralShapes"/>).
/// </summary>
internal sealed class CycleGan : KerasPort
{
    // Weights initializer for the layers; gamma initializer for instance normalization.
    private static readonly Initializer KernelInit = new RandomNormal(mean: 0.0, stddev: 0.02);
    private static readonly Initializer GammaInit = new RandomNormal(mean: 0.0, stddev: 0.02);

    // Domain A ("horses"): circle, square, triangle outlines; domain B ("zebras"): the same shapes filled.
    private static readonly int[] DomainA = { 0, 2, 4 };
    private static readonly int[] DomainB = { 1, 3, 5 };

    /// <inheritdoc />
    public override string Name => "cyclegan";

    /// <inheritdoc />
    public override string Description => "keras-io cyclegan.py: CycleGAN, four networks, custom ReflectionPadding2D (generated outline -> filled colour shapes instead of horse2zebra)";

    /// <summary>Gets the side of the training crops: the original's 256 (<c>input_img_size</c>); 64 by default here, for a CPU.</summary>
    internal int ImageSize { get; init; } = 64;

    /// <summary>Gets the number of generated images of each domain (horse2zebra has 1,067 horses and 1,334 zebras).</summary>
    internal int Count { get; init; } = 256;

    /// <inheritdoc />
    public override void Run(PortSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        // Define the standard image size (orig_img_size = (286, 286) for 256 crops: the same ratio here).
        int origImgSize = (int)Math.Round(ImageSize * 286.0 / 256.0);
        long[] inputImgSize = { 3, ImageSize, ImageSize };
        using var random = new torch.Generator((ulong)settings.Seed, torch.CPU);

        // The training images of both domains, preprocessed once (the original maps, then caches) and normalised to [-1, 1].
        using var trainHorses = new InMemoryDataset(PreprocessTrainImages(KerasIoData.ColourShapes(Count, ImageSize, DomainA, settings.Seed), origImgSize, ImageSize, random), name: "generated-outline-shapes");
        using var trainZebras = new InMemoryDataset(PreprocessTrainImages(KerasIoData.ColourShapes(Count, ImageSize, DomainB, settings.Seed + 1), origImgSize, ImageSize, random), name: "generated-filled-shapes");
        // The test images: only resized (generated at the crop size) and normalised.
        using var testHorses = KerasIoData.ColourShapes(4, ImageSize, DomainA, settings.Seed + 2);
        Console.WriteLine($"data A: {KerasIoData.Describe(trainHorses)}; B: {KerasIoData.Describe(trainZebras)}; generated in memory (the original reads horse2zebra, 256x256 crops)");

        // Get the generators
        var genG = GetResnetGenerator(inputImgSize, name: "generator_G");
        var genF = GetResnetGenerator(inputImgSize, name: "generator_F");
        // Get the discriminators
        var discX = GetDiscriminator(inputImgSize, name: "discriminator_X");
        var discY = GetDiscriminator(inputImgSize, name: "discriminator_Y");
        foreach (var model in new Model[] { genG, genF, discX, discY }) PrintParams(model.Name, model);

        // Create cycle gan model
        using var cycleGanModel = new CycleGanModel(genG, genF, discX, discY);
        // Compile the model
        cycleGanModel.Compile(
            genGOptimizer: new Adam(learningRate: 2e-4, beta1: 0.5),
            genFOptimizer: new Adam(learningRate: 2e-4, beta1: 0.5),
            discXOptimizer: new Adam(learningRate: 2e-4, beta1: 0.5),
            discYOptimizer: new Adam(learningRate: 2e-4, beta1: 0.5),
            genLossFn: GeneratorLossFn,
            discLossFn: DiscriminatorLossFn);

        // cycle_gan_model.fit(tf.data.Dataset.zip((train_horses, train_zebras)), epochs=1, ...): batches of
        // batch_size = 1, each domain shuffled, stopped after --steps.
        var zipped = Dataset.Zip(trainHorses, trainZebras);
        int every = Math.Max(1, settings.Steps / 10), step = 0;
        while (step < settings.Steps)
        {
            foreach (var (horses, zebras) in zipped.GetBatches(batchSize: 1, shuffle: true, generator: random))
            {
                using (var scope = torch.NewDisposeScope())
                {
                    var logs = cycleGanModel.TrainStep(horses.Features, zebras.Features);
                    step++;
                    if (step % every == 0 || step == settings.Steps)
                        Console.WriteLine(StepLimit.Line(step, settings.Steps, logs.Select(p => KeyValuePair.Create(p.Key, (double)p.Value.item<float>()))));
                }
                horses.Features.Dispose();
                zebras.Features.Dispose();
                if (step == settings.Steps) break;
            }
        }

        // GANMonitor: each test horse beside its translation by gen_G.
        using (torch.no_grad())
        using (var scope = torch.NewDisposeScope())
        {
            var prediction = cycleGanModel.GenG.Call(testHorses);
            var pairs = torch.stack(new[] { testHorses, prediction }, 1).reshape(-1, 3, ImageSize, ImageSize);
            WriteRun(settings, null, pairs, columns: 2);
        }

        // The original's ModelCheckpoint(save_weights_only=True), whole instead: each network as DIR/<name>.keras
        // (Model.Save), its custom layer registered as the original's @register_keras_serializable would.
        if (settings.Out is not null)
        {
            SerializableLayers.Register<ReflectionPadding2D, ReflectionPadding2DConfig>("KerasIo");
            foreach (var model in new[] { cycleGanModel.GenG, cycleGanModel.GenF, cycleGanModel.DiscX, cycleGanModel.DiscY })
            {
                string path = Path.Combine(settings.Out, model.Name + ".keras");
                model.Save(path);
                Console.WriteLine($"model {path}");
            }
        }
    }

    /// <summary>
    /// preprocess_train_image, applied once to every image: random flip, resize to <paramref name="origImgSize"/>,
    /// random crop of <paramref name="inputImgSize"/> (the images are already in [-1, 1]: normalize_img).
    /// </summary>
    private static torch.Tensor PreprocessTrainImages(torch.Tensor images, int origImgSize, int inputImgSize, torch.Generator random)
    {
        using var owned = images;
        using var scope = torch.NewDisposeScope();
        long n = images.shape[0];
        // Random flip
        var flip = torch.rand(new[] { n }, generator: random).lt(0.5).reshape(n, 1, 1, 1);
        var img = torch.where(flip, images.flip(3), images);
        // Resize to the original size first (tf.image.resize: bilinear, half-pixel centres)
        img = torch.nn.functional.interpolate(img, new long[] { origImgSize, origImgSize }, mode: torch.InterpolationMode.Bilinear, align_corners: false);
        // Random crop to inputImgSize × inputImgSize
        long range = origImgSize - inputImgSize + 1;
        var offsets = torch.randint(0, range, new[] { n, 2 }, generator: random).data<long>().ToArray();
        var crops = Enumerable.Range(0, (int)n)
            .Select(i => img[i].narrow(1, offsets[2 * i], inputImgSize).narrow(2, offsets[2 * i + 1], inputImgSize))
            .ToArray();
        return torch.stack(crops).MoveToOuterDisposeScope();
    }

    /// <summary>residual_block: two reflection-padded 3×3 convolutions with instance normalisation, added to the input.</summary>
    private static KerasTensor ResidualBlock(KerasTensor x, Layer activation, int kernelSize = 3, int strides = 1, string padding = "valid", bool useBias = false)
    {
        int dim = (int)x.Shape[0];
        var inputTensor = x;

        x = new ReflectionPadding2D().Call(inputTensor);
        x = new Conv2D(dim, kernelSize, strides: strides, kernelInitializer: KernelInit, padding: padding, useBias: useBias).Call(x);
        x = new GroupNormalization(groups: -1, gammaInitializer: GammaInit).Call(x);
        x = activation.Call(x);

        x = new ReflectionPadding2D().Call(x);
        x = new Conv2D(dim, kernelSize, strides: strides, kernelInitializer: KernelInit, padding: padding, useBias: useBias).Call(x);
        x = new GroupNormalization(groups: -1, gammaInitializer: GammaInit).Call(x);
        x = new Add().Call(inputTensor, x);
        return x;
    }

    /// <summary>downsample: a strided convolution, instance normalisation, the activation.</summary>
    private static KerasTensor Downsample(KerasTensor x, int filters, Layer? activation, int kernelSize = 3, int strides = 2, string padding = "same", bool useBias = false)
    {
        x = new Conv2D(filters, kernelSize, strides: strides, kernelInitializer: KernelInit, padding: padding, useBias: useBias).Call(x);
        x = new GroupNormalization(groups: -1, gammaInitializer: GammaInit).Call(x);
        if (activation is not null) x = activation.Call(x);
        return x;
    }

    /// <summary>upsample: a strided transposed convolution, instance normalisation, the activation.</summary>
    private static KerasTensor Upsample(KerasTensor x, int filters, Layer? activation, int kernelSize = 3, int strides = 2, string padding = "same", bool useBias = false)
    {
        x = new Conv2DTranspose(filters, kernelSize, strides: strides, padding: padding, kernelInitializer: KernelInit, useBias: useBias).Call(x);
        x = new GroupNormalization(groups: -1, gammaInitializer: GammaInit).Call(x);
        if (activation is not null) x = activation.Call(x);
        return x;
    }

    /// <summary>get_resnet_generator: c7s1-64, d128, d256, nine R256, u128, u64, c7s1-3.</summary>
    internal static Functional GetResnetGenerator(long[] inputImgSize, string name, int filters = 64, int numDownsamplingBlocks = 2, int numResidualBlocks = 9, int numUpsampleBlocks = 2)
    {
        var imgInput = Keras.Input(inputImgSize, name: name + "_img_input");
        var x = new ReflectionPadding2D(padding: (3, 3)).Call(imgInput);
        x = new Conv2D(filters, (7, 7), kernelInitializer: KernelInit, useBias: false).Call(x);
        x = new GroupNormalization(groups: -1, gammaInitializer: GammaInit).Call(x);
        x = new Activation("relu").Call(x);

        // Downsampling
        for (int i = 0; i < numDownsamplingBlocks; i++)
        {
            filters *= 2;
            x = Downsample(x, filters: filters, activation: new Activation("relu"));
        }

        // Residual blocks
        for (int i = 0; i < numResidualBlocks; i++)
            x = ResidualBlock(x, activation: new Activation("relu"));

        // Upsampling
        for (int i = 0; i < numUpsampleBlocks; i++)
        {
            filters /= 2;
            x = Upsample(x, filters, activation: new Activation("relu"));
        }

        // Final block
        x = new ReflectionPadding2D(padding: (3, 3)).Call(x);
        x = new Conv2D(3, (7, 7), padding: "valid").Call(x);
        x = new Activation("tanh").Call(x);

        return new Functional(imgInput, x, name: name);
    }

    /// <summary>get_discriminator: C64-C128-C256-C512 and a one-channel 4×4 convolution (a PatchGAN).</summary>
    internal static Functional GetDiscriminator(long[] inputImgSize, string name, int filters = 64)
    {
        var imgInput = Keras.Input(inputImgSize, name: name + "_img_input");
        var x = new Conv2D(filters, (4, 4), strides: (2, 2), padding: "same", kernelInitializer: KernelInit).Call(imgInput);
        x = new LeakyReLU(0.2).Call(x);

        int numFilters = filters;
        for (int numDownsampleBlock = 0; numDownsampleBlock < 3; numDownsampleBlock++)
        {
            numFilters *= 2;
            x = numDownsampleBlock < 2
                ? Downsample(x, filters: numFilters, activation: new LeakyReLU(0.2), kernelSize: 4, strides: 2)
                : Downsample(x, filters: numFilters, activation: new LeakyReLU(0.2), kernelSize: 4, strides: 1);
        }

        x = new Conv2D(1, (4, 4), strides: (1, 1), padding: "same", kernelInitializer: KernelInit).Call(x);

        return new Functional(imgInput, x, name: name);
    }

    // Loss function for evaluating adversarial loss
    private static readonly MeanSquaredError AdvLossFn = new();

    /// <summary>Define the loss function for the generators.</summary>
    private static torch.Tensor GeneratorLossFn(torch.Tensor fake) => AdvLossFn.Call(torch.ones_like(fake), fake);

    /// <summary>Define the loss function for the discriminators.</summary>
    private static torch.Tensor DiscriminatorLossFn(torch.Tensor real, torch.Tensor fake)
    {
        var realLoss = AdvLossFn.Call(torch.ones_like(real), real);
        var fakeLoss = AdvLossFn.Call(torch.zeros_like(fake), fake);
        return (realLoss + fakeLoss) * 0.5;
    }

    /// <summary>The original's <c>class CycleGan(keras.Model)</c>: four networks, four optimizers and <c>train_step</c>.</summary>
    private sealed class CycleGanModel(Model generatorG, Model generatorF, Model discriminatorX, Model discriminatorY, double lambdaCycle = 10.0, double lambdaIdentity = 0.5) : IDisposable
    {
        private readonly MeanAbsoluteError cycleLossFn = new();
        private readonly MeanAbsoluteError identityLossFn = new();
        private Optimizer? genGOptimizer, genFOptimizer, discXOptimizer, discYOptimizer;
        private Func<torch.Tensor, torch.Tensor>? generatorLossFn;
        private Func<torch.Tensor, torch.Tensor, torch.Tensor>? discriminatorLossFn;

        public Model GenG { get; } = generatorG;

        public Model GenF { get; } = generatorF;

        public Model DiscX { get; } = discriminatorX;

        public Model DiscY { get; } = discriminatorY;

        public void Compile(Optimizer genGOptimizer, Optimizer genFOptimizer, Optimizer discXOptimizer, Optimizer discYOptimizer,
            Func<torch.Tensor, torch.Tensor> genLossFn, Func<torch.Tensor, torch.Tensor, torch.Tensor> discLossFn)
        {
            (this.genGOptimizer, this.genFOptimizer, this.discXOptimizer, this.discYOptimizer) = (genGOptimizer, genFOptimizer, discXOptimizer, discYOptimizer);
            (generatorLossFn, discriminatorLossFn) = (genLossFn, discLossFn);
        }

        /// <summary>train_step: x is domain A (horse) and y is domain B (zebra). Returns detached losses on the device.</summary>
        public Dictionary<string, torch.Tensor> TrainStep(torch.Tensor realX, torch.Tensor realY)
        {
            if (genGOptimizer is null || genFOptimizer is null || discXOptimizer is null || discYOptimizer is null || generatorLossFn is null || discriminatorLossFn is null)
                throw new InvalidOperationException("Call Compile() before TrainStep().");
            using var scope = torch.NewDisposeScope();
            torch.Tensor totalLossG, totalLossF, discXLoss, discYLoss;
            IReadOnlyList<torch.Tensor> gradsG, gradsF, discXGrads, discYGrads;
            using (var tape = new GradientTape(persistent: true))
            {
                // Horse to fake zebra
                var fakeY = GenG.Call(realX, training: true);
                // Zebra to fake horse -> y2x
                var fakeX = GenF.Call(realY, training: true);

                // Cycle (Horse to fake zebra to fake horse): x -> y -> x
                var cycledX = GenF.Call(fakeY, training: true);
                // Cycle (Zebra to fake horse to fake zebra) y -> x -> y
                var cycledY = GenG.Call(fakeX, training: true);

                // Identity mapping
                var sameX = GenF.Call(realX, training: true);
                var sameY = GenG.Call(realY, training: true);

                // Discriminator output
                var discRealX = DiscX.Call(realX, training: true);
                var discFakeX = DiscX.Call(fakeX, training: true);

                var discRealY = DiscY.Call(realY, training: true);
                var discFakeY = DiscY.Call(fakeY, training: true);

                // Generator adverserial loss
                var genGLoss = generatorLossFn(discFakeY);
                var genFLoss = generatorLossFn(discFakeX);

                // Generator cycle loss
                var cycleLossG = cycleLossFn.Call(realY, cycledY) * lambdaCycle;
                var cycleLossF = cycleLossFn.Call(realX, cycledX) * lambdaCycle;

                // Generator identity loss
                var idLossG = identityLossFn.Call(realY, sameY) * lambdaCycle * lambdaIdentity;
                var idLossF = identityLossFn.Call(realX, sameX) * lambdaCycle * lambdaIdentity;

                // Total generator loss
                totalLossG = genGLoss + cycleLossG + idLossG;
                totalLossF = genFLoss + cycleLossF + idLossF;

                // Discriminator loss
                discXLoss = discriminatorLossFn(discRealX, discFakeX);
                discYLoss = discriminatorLossFn(discRealY, discFakeY);

                // Get the gradients for the generators
                gradsG = tape.Gradient(totalLossG, GenG.TrainableVariables);
                gradsF = tape.Gradient(totalLossF, GenF.TrainableVariables);

                // Get the gradients for the discriminators
                discXGrads = tape.Gradient(discXLoss, DiscX.TrainableVariables);
                discYGrads = tape.Gradient(discYLoss, DiscY.TrainableVariables);
            }

            // Update the weights of the generators
            genGOptimizer.ApplyGradients(gradsG, GenG.TrainableVariables);
            genFOptimizer.ApplyGradients(gradsF, GenF.TrainableVariables);

            // Update the weights of the discriminators
            discXOptimizer.ApplyGradients(discXGrads, DiscX.TrainableVariables);
            discYOptimizer.ApplyGradients(discYGrads, DiscY.TrainableVariables);

            return new Dictionary<string, torch.Tensor>
            {
                ["G_loss"] = totalLossG.detach().MoveToOuterDisposeScope(),
                ["F_loss"] = totalLossF.detach().MoveToOuterDisposeScope(),
                ["D_X_loss"] = discXLoss.detach().MoveToOuterDisposeScope(),
                ["D_Y_loss"] = discYLoss.detach().MoveToOuterDisposeScope(),
            };
        }

        public void Dispose()
        {
            GenG.Dispose();
            GenF.Dispose();
            DiscX.Dispose();
            DiscY.Dispose();
        }
    }
}
