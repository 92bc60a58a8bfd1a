using Gan.Keras.Layers;

namespace Gan.Keras.Models.Presets;

/// <summary>
/// The built-in models by name, built for the data's sample shape: <c>mlp</c> (the article's MNIST MLP, any flat
/// image), <c>mlp-small</c> (2-D points), <c>dcgan</c> and <c>conditional</c> (<see cref="DcganPreset"/>, square images
/// of a side <see cref="DcganPreset.SupportedSides"/> lists, any channels).
/// </summary>
public static class ModelPresets
{
    /// <summary>Gets the preset names.</summary>
    public static IReadOnlyList<string> Names { get; } = new[] { "mlp", "mlp-small", "dcgan", "conditional" };

    /// <summary>Gets the number of classes of the <c>conditional</c> preset (MNIST-like labels).</summary>
    public const int ConditionalClasses = 10;

    /// <summary>Gets the preset used when none is named: <c>mlp</c> for images, <c>mlp-small</c> for 2-D points.</summary>
    public static string DefaultFor(bool images) => images ? "mlp" : "mlp-small";

    /// <summary>Gets a value indicating whether a preset takes flat samples (<c>[784]</c>) rather than NCHW images (<c>[1, 28, 28]</c>).</summary>
    public static bool TakesFlatSamples(string name) => name is "mlp" or "mlp-small";

    /// <summary>Gets the preset's Adam learning rate: 1e-3 for the small MLP, 2e-4 otherwise (the article; Radford et al.).</summary>
    public static double LearningRate(string name) => name == "mlp-small" ? 1e-3 : 2e-4;

    /// <summary>Builds the named preset for samples of <paramref name="sampleShape"/> (not compiled; see <see cref="Training.LossDefaults"/>).</summary>
    /// <param name="name">One of <see cref="Names"/>.</param>
    /// <param name="sampleShape">One example's shape: <c>[features]</c> for the MLPs, <c>[channels, side, side]</c> for the DCGANs.</param>
    /// <param name="seed">Seed of the model's random stream.</param>
    /// <exception cref="ArgumentException">The name is unknown, or the preset does not fit the shape (the message says which preset does).</exception>
    public static GanModel Create(string name, IReadOnlyList<long> sampleShape, long seed)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(sampleShape);
        return name switch
        {
            "mlp" => ArticleMlp(Flat(name, sampleShape), seed),
            "mlp-small" => SmallMlp(Flat(name, sampleShape), seed),
            "dcgan" => Dcgan(Image(name, sampleShape), seed, classes: 0),
            "conditional" => Dcgan(Image(name, sampleShape), seed, classes: ConditionalClasses),
            _ => throw new ArgumentException($"Unknown model preset '{name}'. Valid: {string.Join(", ", Names)}.", nameof(name)),
        };
    }

    /// <summary>The article's generator: 100 → 128 → 256 → 512 → 1024 → <paramref name="features"/> (tanh), ReLU between.</summary>
    public static Sequential ArticleMlpGenerator(int features = 784) => new(new Layer[]
    {
        new Dense(128, "relu"), new Dense(256, "relu"), new Dense(512, "relu"), new Dense(1024, "relu"), new Dense(features, "tanh"),
    }, inputShape: new long[] { 100 }, name: "generator");

    /// <summary>The article's discriminator: <paramref name="features"/> → 512 → 256 → 1, ReLU between; a logit unless <paramref name="outputActivation"/> is given (the article's <c>sigmoid</c>).</summary>
    public static Sequential ArticleMlpDiscriminator(int features = 784, string? outputActivation = null) => new(new Layer[]
    {
        new Dense(512, "relu"), new Dense(256, "relu"), new Dense(1, outputActivation),
    }, inputShape: new long[] { features }, name: "discriminator");

    private static int Flat(string name, IReadOnlyList<long> sampleShape) =>
        sampleShape.Count == 1
            ? (int)sampleShape[0]
            : throw new ArgumentException($"Model '{name}' is an MLP and needs flat samples, but the data's samples have shape [{string.Join(", ", sampleShape)}].", nameof(sampleShape));

    private static long[] Image(string name, IReadOnlyList<long> sampleShape)
    {
        string shape = string.Join(", ", sampleShape);
        if (sampleShape.Count != 3)
            throw new ArgumentException($"Model '{name}' is a convolutional preset for images [channels, side, side], but the data's samples have shape [{shape}]; for 2-D data use the mlp-small model.", nameof(sampleShape));
        if (sampleShape[1] != sampleShape[2] || !DcganPreset.Supports(sampleShape[1]))
            throw new ArgumentException($"Model '{name}' builds square images of side {string.Join(", ", DcganPreset.SupportedSides)}, but the data's samples have shape [{shape}]. Resize the images (image size 32 or 64, for example).", nameof(sampleShape));
        return sampleShape.ToArray();
    }

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
            throw new ArgumentException("Model 'mlp' is the article's MNIST MLP (tanh output in [-1, 1], one output per pixel and channel); for 2-D data such as ring8 or grid25 use the mlp-small model.", nameof(features));
        return new GanModel(ArticleMlpGenerator(features), ArticleMlpDiscriminator(features), latentDim: 100, seed: seed);
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
}
