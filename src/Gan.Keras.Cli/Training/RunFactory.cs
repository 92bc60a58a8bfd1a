using Gan.Keras.Data;
using Gan.Keras.Layers;
using Gan.Keras.Losses;
using Gan.Keras.Models;
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
    public static readonly string[] DataNames = { "ring8", "grid25", "mnist:<folder>" };

    /// <summary>Model presets: the article's MNIST MLP and a small MLP for 2-D data.</summary>
    public static readonly string[] ModelNames = { "mlp", "mlp-small" };

    /// <summary>Loss names.</summary>
    public static readonly string[] LossNames = { "bce", "non-saturating" };

    /// <summary>Device names.</summary>
    public static readonly string[] DeviceNames = { "auto", "cpu", "cuda" };

    private const int RingPoints = 10_000;

    /// <summary>Checks every name before anything is loaded, so a typo fails fast with exit code 2.</summary>
    public static void Validate(RunOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        DataKind(options.Data);
        if (options.Model is not null && !ModelNames.Contains(options.Model))
            throw Unknown("model", options.Model, ModelNames);
        if (!LossNames.Contains(options.Loss))
            throw Unknown("loss", options.Loss, LossNames);
        if (!DeviceNames.Contains(options.Device))
            throw Unknown("device", options.Device, DeviceNames);
    }

    /// <summary>Gets the preset used when <c>--model</c> is not given: <c>mlp-small</c> for 2-D data, <c>mlp</c> for images.</summary>
    public static string DefaultModelFor(string data) => DataKind(data) == "mnist" ? "mlp" : "mlp-small";

    /// <summary>Gets the libtorch thread count a preset runs with: 1 for the small 2-D MLP (see <see cref="TorchThreads"/>), else libtorch's default (null).</summary>
    public static int? ThreadsFor(string model) => model == "mlp-small" ? 1 : null;

    /// <summary>Loads the training data named by <paramref name="data"/>.</summary>
    public static InMemoryDataset LoadData(string data, long seed)
    {
        switch (DataKind(data))
        {
            case "ring8":
                return GaussianMixtures.Ring8(RingPoints, seed);
            case "grid25":
                return GaussianMixtures.Grid25(RingPoints, seed);
            default:
                string folder = data["mnist:".Length..];
                bool hasTrain = File.Exists(Path.Combine(folder, "train-images-idx3-ubyte.gz")) || File.Exists(Path.Combine(folder, "train-images-idx3-ubyte"));
                return Mnist.Load(folder, hasTrain ? "train" : "t10k", flatten: true);
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
    public static GanModel CreateGan(string model, string loss, IReadOnlyList<long> sampleShape, long seed)
    {
        ArgumentNullException.ThrowIfNull(sampleShape);
        if (sampleShape.Count != 1)
            throw new UsageException($"Model '{model}' is an MLP and needs flat samples, but the data's samples have shape [{string.Join(", ", sampleShape)}].");
        int features = (int)sampleShape[0];
        GanModel gan = model switch
        {
            "mlp" => ArticleMlp(features, seed),
            "mlp-small" => SmallMlp(features, seed),
            _ => throw Unknown("model", model, ModelNames),
        };
        gan.Compile(CreateOptimizer(model), CreateOptimizer(model), CreateLoss(loss));
        return gan;
    }

    /// <summary>Creates the GAN loss named <paramref name="loss"/>.</summary>
    public static GanLoss CreateLoss(string loss) => loss switch
    {
        "bce" or "non-saturating" => new NonSaturatingLoss(new BinaryCrossentropy(fromLogits: true)),
        _ => throw Unknown("loss", loss, LossNames),
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

    private static GanModel ArticleMlp(int features, long seed)
    {
        if (features == 2)
            throw new UsageException("Model 'mlp' is the article's MNIST MLP (tanh output in [-1, 1], 784 pixels); for 2-D data such as ring8 or grid25 use --model mlp-small.");
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

    /// <summary>Adam(2e-4, β1 0.5) for the article's MLP (as in the article), Adam(1e-3, β1 0.5) for the small MLP. One per network.</summary>
    private static Adam CreateOptimizer(string model) => model == "mlp" ? new Adam(2e-4, 0.5, 0.999) : new Adam(1e-3, 0.5, 0.999);

    private static string DataKind(string data)
    {
        if (data is "ring8" or "grid25") return data;
        if (data.StartsWith("mnist:", StringComparison.Ordinal) && data.Length > "mnist:".Length) return "mnist";
        if (data == "mnist")
            throw new UsageException("--data mnist needs the folder with the IDX files: --data mnist:<folder> (for example mnist:../shared/data/mnist).");
        throw Unknown("data", data, DataNames);
    }

    private static UsageException Unknown(string what, string value, IEnumerable<string> valid) =>
        new($"Unknown --{what} '{value}'. Valid: {string.Join(", ", valid)}.");
}
