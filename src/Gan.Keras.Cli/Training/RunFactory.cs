using Gan.Keras.Data;
using Gan.Keras.Layers.Initializers;
using Gan.Keras.Layers;
using Gan.Keras.Losses;
using Gan.Keras.Models;
using Gan.Keras.Models.Presets;
using Gan.Keras.Optimizers;
using TorchSharp;

namespace Gan.Keras.Cli.Training;

/// <summary>
/// The one place where the names used on the command line (and in config files) become library objects: data sets,
/// model presets and losses. An unknown name is a usage error that lists the valid ones.
/// </summary>
internal static class RunFactory
{
    /// <summary>Data names, as shown in errors and help.</summary>
    public static readonly string[] DataNames = { "ring8", "grid25", "shapes", "mnist[:<folder>]", "fashion-mnist[:<folder>]", "kmnist[:<folder>]", "cifar10[:<folder>]", "<folder with one subfolder of images per class>" };

    /// <summary>Model presets: the article's MLP (any image, flattened), a small MLP for 2-D data, DCGAN and a conditional DCGAN (square images of a side <see cref="DcganPreset.SupportedSides"/> lists).</summary>
    public static readonly string[] ModelNames = { "mlp", "mlp-small", "dcgan", "conditional" };

    /// <summary>Loss names (<see cref="GanLosses"/>; its aliases, such as <c>bce</c>, are accepted too).</summary>
    public static IReadOnlyList<string> LossNames => GanLosses.Names;

    /// <summary>Device names.</summary>
    public static readonly string[] DeviceNames = { "auto", "cpu", "cuda" };

    private const int RingPoints = 10_000;

    /// <summary>Checks every name before anything is loaded, so a typo fails fast with exit code 2.</summary>
    public static void Validate(RunOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (DataKind(options.Data) != "images" && (options.ImageSize is not null || options.Channels is not null))
            throw new UsageException($"--image-size and --channels apply to image data, but --data {options.Data} is 2-D points. Drop them, or use image data (shapes, mnist, cifar10, a folder).");
        if (options.Model is not null && !ModelNames.Contains(options.Model))
            throw Unknown("model", options.Model, ModelNames);
        CreateLoss(options.Loss);
        if (!DeviceNames.Contains(options.Device))
            throw Unknown("device", options.Device, DeviceNames);
        if (!DtypeNames.Contains(options.Dtype))
            throw Unknown("dtype", options.Dtype, DtypeNames);
    }

    /// <summary>Gets the preset used when <c>--model</c> is not given: <c>mlp-small</c> for 2-D data, <c>mlp</c> for images.</summary>
    public static string DefaultModelFor(string data) => DataKind(data) == "images" ? "mlp" : "mlp-small";

    /// <summary>Gets the libtorch thread count a preset runs with: 1 for the small 2-D MLP (see <see cref="TorchThreads"/>), else libtorch's default (null).</summary>
    public static int? ThreadsFor(string model) => model == "mlp-small" ? 1 : null;

    /// <summary>Gets a value indicating whether a preset takes flat samples (<c>[784]</c>) rather than NCHW images (<c>[1, 28, 28]</c>).</summary>
    public static bool TakesFlatSamples(string model) => model is "mlp" or "mlp-small";

    /// <summary>Loads the training data named by <paramref name="data"/>; images flat for MLPs, NCHW for convolutional presets.</summary>
    /// <param name="data">The --data value.</param>
    /// <param name="seed">Seed of built-in data.</param>
    /// <param name="flatten">Whether images are flat vectors (MLPs) or NCHW (convolutions).</param>
    /// <param name="download">Whether a missing file dataset is downloaded into the cache folder (checksum-verified).</param>
    /// <param name="imageSize">The square side images are resized to, or null to keep theirs.</param>
    /// <param name="channels">1 or 3 image channels, or null to keep the data's own.</param>
    /// <param name="stream">Whether image folders and CIFAR-10 are read from disk batch by batch instead of loaded into memory.</param>
    public static Dataset LoadData(string data, long seed, bool flatten = true, bool download = false, int? imageSize = null, int? channels = null, bool stream = false)
    {
        switch (DataKind(data))
        {
            case "ring8":
                return GaussianMixtures.Ring8(RingPoints, seed);
            case "grid25":
                return GaussianMixtures.Grid25(RingPoints, seed);
            default:
                // Every other name goes through the library's catalogue (built-in shapes, IDX and CIFAR-10 files, image folders).
                try
                {
                    return DatasetCatalog.Open(data, new DatasetOptions { Seed = seed, Flatten = flatten, Download = download, ImageSize = imageSize, Channels = channels, Stream = stream });
                }
                catch (ArgumentException ex)
                {
                    throw new UsageException(ex.Message, ex);
                }
        }
    }

    /// <summary>Gets the true modes of 2-D benchmark data (drawn under scatter plots), or null.</summary>
    public static double[,]? ModesFor(string data) => DataKind(data) switch
    {
        "ring8" => GaussianMixtures.Ring8Means(),
        "grid25" => GaussianMixtures.Grid25Means(),
        _ => null,
    };

    /// <summary>Builds and compiles a GAN from a preset for samples of the given shape. Seed libtorch first for reproducible weights.</summary>
    /// <remarks>
    /// Optimizers: Adam(2e-4, β1 0.5) for the article's MLP and the DCGANs (as in the article and in Radford et al.),
    /// Adam(1e-3, β1 0.5) for the small MLP; with <c>wgan</c> RMSprop(5e-5) and 5 critic steps (Arjovsky et al.), with
    /// <c>wgan-gp</c> Adam(1e-4, β 0/0.9) and 5 critic steps (Gulrajani et al.).
    /// </remarks>
    public static GanModel CreateGan(string model, string loss, IReadOnlyList<long> sampleShape, long seed)
    {
        ArgumentNullException.ThrowIfNull(sampleShape);
        var ganLoss = CreateLoss(loss);
        GanModel gan = model switch
        {
            "mlp" => ArticleMlp(Flat(model, sampleShape), seed),
            "mlp-small" => SmallMlp(Flat(model, sampleShape), seed),
            "dcgan" => Dcgan(Image(model, sampleShape), seed, classes: 0),
            "conditional" => Dcgan(Image(model, sampleShape), seed, classes: 10),
            _ => throw Unknown("model", model, ModelNames),
        };
        switch (ganLoss)
        {
            case WassersteinGpLoss:
                gan.Compile(new Adam(1e-4, 0.0, 0.9), new Adam(1e-4, 0.0, 0.9), ganLoss);
                gan.DiscriminatorSteps = 5;
                break;
            case WassersteinLoss:
                gan.Compile(new RMSprop(5e-5), new RMSprop(5e-5), ganLoss);
                gan.DiscriminatorSteps = 5;
                break;
            default:
                gan.Compile(CreateOptimizer(model), CreateOptimizer(model), ganLoss);
                break;
        }
        return gan;
    }

    /// <summary>Gets the size of the run's fixed preview noise: 1,000 points for 2-D data, 10 per class for a conditional model, else 64.</summary>
    public static int FixedNoiseCount(GanModel gan, IReadOnlyList<long> sampleShape) =>
        gan is ConditionalGanModel conditional ? conditional.NumClasses * 10 : Export.Images.SamplePicture.IsPoints(sampleShape) ? 1_000 : 64;

    /// <summary>Generates <paramref name="count"/> samples with a seed (for a conditional model: count / NumClasses of each class, at least one).</summary>
    public static torch.Tensor Generate(GanModel gan, int count, long seed) =>
        gan is ConditionalGanModel conditional
            ? conditional.Generate(Math.Max(1, count / conditional.NumClasses), Enumerable.Range(0, conditional.NumClasses).ToArray(), seed)
            : gan.Generate(count, seed);

    /// <summary>Creates the GAN loss named <paramref name="loss"/> (a <see cref="GanLosses"/> name or alias).</summary>
    public static GanLoss CreateLoss(string loss)
    {
        try
        {
            return GanLosses.FromName(loss);
        }
        catch (ArgumentException)
        {
            throw Unknown("loss", loss, LossNames);
        }
    }

    /// <summary>The floating-point types <c>--dtype</c> takes.</summary>
    public static readonly string[] DtypeNames = { "float32", "float64" };

    /// <summary>Resolves <c>--dtype</c>.</summary>
    public static torch.ScalarType ResolveDtype(string dtype) => dtype switch
    {
        "float32" => torch.float32,
        "float64" => torch.float64,
        _ => throw Unknown("dtype", dtype, DtypeNames),
    };

    /// <summary>Resolves <c>--device</c>: <c>auto</c> picks CUDA when libtorch has it; <c>cuda</c> without it is a usage error.</summary>
    public static torch.Device ResolveDevice(string device)
    {
        bool cuda = torch.cuda.is_available();
        return device switch
        {
            "cpu" => torch.CPU,
            "auto" => cuda ? torch.CUDA : torch.CPU,
            "cuda" when cuda => torch.CUDA,
            "cuda" => throw new UsageException("--device cuda: CUDA is not available (torch.cuda.is_available() is false: no NVIDIA GPU, or this build uses the CPU-only libtorch package). Use --device cpu or --device auto."),
            _ => throw Unknown("device", device, DeviceNames),
        };
    }

    private static int Flat(string model, IReadOnlyList<long> sampleShape) =>
        sampleShape.Count == 1
            ? (int)sampleShape[0]
            : throw new UsageException($"Model '{model}' is an MLP and needs flat samples, but the data's samples have shape [{string.Join(", ", sampleShape)}].");

    private static long[] Image(string model, IReadOnlyList<long> sampleShape)
    {
        string shape = string.Join(", ", sampleShape);
        if (sampleShape.Count != 3)
            throw new UsageException($"Model '{model}' is a convolutional preset for images [channels, side, side], but the data's samples have shape [{shape}]; for 2-D data use --model mlp-small.");
        if (sampleShape[1] != sampleShape[2] || !DcganPreset.Supports(sampleShape[1]))
            throw new UsageException($"Model '{model}' builds square images of side {string.Join(", ", DcganPreset.SupportedSides)}, but the data's samples have shape [{shape}]. Resize the images with --image-size (e.g. --image-size 32 or 64).");
        return sampleShape.ToArray();
    }

    /// <summary>The DCGAN preset (Radford et al. 2016) for the data's channels and side; with classes, the conditional GAN of the ConditionalGan example.</summary>
    private static GanModel Dcgan(long[] imageShape, long seed, int classes)
    {
        const int latentDim = DcganPreset.DefaultLatentDim;
        int channels = (int)imageShape[0], side = (int)imageShape[1];
        var generator = DcganPreset.Generator(latentDim, channels, side, conditionSize: classes);
        var discriminator = DcganPreset.Discriminator(channels, side, conditionChannels: classes);
        return classes > 0
            ? new ConditionalGanModel(generator, discriminator, latentDim, classes, seed)
            : new GanModel(generator, discriminator, latentDim, seed);
    }

    private static GanModel ArticleMlp(int features, long seed)
    {
        if (features == 2)
            throw new UsageException("Model 'mlp' is the article's MNIST MLP (tanh output in [-1, 1], one output per pixel and channel); for 2-D data such as ring8 or grid25 use --model mlp-small.");
        var generator = new Sequential(new Layer[]
        {
            new Dense(128, "relu"), new Dense(256, "relu"), new Dense(512, "relu"), new Dense(1024, "relu"), new Dense(features, "tanh"),
        }, inputShape: new long[] { 100 }, name: "generator");
        var discriminator = new Sequential(new Layer[]
        {
            new Dense(512, "relu"), new Dense(256, "relu"), new Dense(1),
        }, inputShape: new long[] { features }, name: "discriminator");
        return new GanModel(generator, discriminator, latentDim: 100, seed: seed);
    }

    private static GanModel SmallMlp(int features, long seed)
    {
        var generator = new Sequential(new Layer[]
        {
            new Dense(128, "relu"), new Dense(128, "relu"), new Dense(features),
        }, inputShape: new long[] { 16 }, name: "generator");
        var discriminator = new Sequential(new Layer[]
        {
            new Dense(128), new LeakyReLU(0.2), new Dense(128), new LeakyReLU(0.2), new Dense(1),
        }, inputShape: new long[] { features }, name: "discriminator");
        return new GanModel(generator, discriminator, latentDim: 16, seed: seed);
    }

    /// <summary>Adam(1e-3, β1 0.5) for the small MLP, else Adam(2e-4, β1 0.5) (the article; Radford et al.). One per network.</summary>
    private static Adam CreateOptimizer(string model) => model == "mlp-small" ? new Adam(1e-3, 0.5, 0.999) : new Adam(2e-4, 0.5, 0.999);

    private static string DataKind(string data)
    {
        if (data is "ring8" or "grid25") return data;
        string name = data.Split(':')[0];
        if (DatasetCatalog.BuiltInNames.Contains(name) || DatasetCatalog.FileNames.Contains(name) || Directory.Exists(data)) return "images";
        throw Unknown("data", data, DataNames);
    }

    private static UsageException Unknown(string what, string value, IEnumerable<string> valid) =>
        new($"Unknown --{what} '{value}'. Valid: {string.Join(", ", valid)}.");
}
