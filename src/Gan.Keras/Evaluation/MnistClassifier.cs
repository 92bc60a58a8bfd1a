using TorchSharp;
using Gan.Keras.Layers;
using Gan.Keras.Layers.Initializers;
using Gan.Keras.Models;
using static TorchSharp.torch;

namespace Gan.Keras.Evaluation;

/// <summary>
/// A small CNN that classifies 28×28 digits, used as the feature network of the image metrics (the role Inception-v3
/// plays for FID on natural images): conv 3×3 (16) → ReLU → max-pool → conv 3×3 (32) → ReLU → max-pool → dense 128 → ReLU
/// (the features) → dense 10 (the logits). A subclassed Keras model of the library's own layers, trained with
/// <see cref="Models.Model.Compile(Optimizers.Optimizer, Losses.Loss, IReadOnlyList{Metrics.MetricSpec}?)"/> and
/// <see cref="Models.Model.TrainOnBatch(Tensor, Tensor, IReadOnlyDictionary{int, double}?, Tensor?)"/> by
/// <see cref="MnistClassifierTrainer"/>.
/// </summary>
/// <remarks>Weights start as libtorch's defaults for these layers (kernel and bias uniform in ±1/√fan-in), which train this
/// small network faster than Keras's Glorot kernels and zero biases.</remarks>
public sealed class MnistClassifier : Model, IFeatureExtractor
{
    /// <summary>Gets a string that identifies the architecture; it is part of the weights' cache key.</summary>
    public const string Architecture = "mnist-cnn/v2 (Keras layers, Keras Adam): conv3x3(1→16) relu maxpool2, conv3x3(16→32) relu maxpool2, dense(1568→128) relu, dense(128→10)";

    /// <summary>Gets the feature dimension.</summary>
    public const int FeatureDimension = 128;

    private readonly Conv2D conv1;
    private readonly MaxPooling2D pool1;
    private readonly Conv2D conv2;
    private readonly MaxPooling2D pool2;
    private readonly Flatten flatten;
    private readonly Dense hidden;
    private readonly Dense output;

    /// <summary>Initializes a new instance of the <see cref="MnistClassifier"/> class, built, with libtorch's default initialization.</summary>
    /// <param name="seed">When given, the weights are drawn from this seed (the global generator is left as it was).</param>
    public MnistClassifier(long? seed = null) : base("mnist_classifier")
    {
        conv1 = new Conv2D(16, 3, padding: "same", activation: "relu", kernelInitializer: TorchDefault(1 * 9), biasInitializer: TorchDefault(1 * 9), name: "conv1");
        pool1 = new MaxPooling2D(2, name: "pool1");
        conv2 = new Conv2D(32, 3, padding: "same", activation: "relu", kernelInitializer: TorchDefault(16 * 9), biasInitializer: TorchDefault(16 * 9), name: "conv2");
        pool2 = new MaxPooling2D(2, name: "pool2");
        flatten = new Flatten(name: "flatten");
        hidden = new Dense(FeatureDimension, "relu", kernelInitializer: TorchDefault(32 * 7 * 7), biasInitializer: TorchDefault(32 * 7 * 7), name: "hidden");
        output = new Dense(10, kernelInitializer: TorchDefault(FeatureDimension), biasInitializer: TorchDefault(FeatureDimension), name: "output");
        RegisterComponents();
        var saved = seed is null ? null : torch.random.get_rng_state();
        try
        {
            if (seed is { } s) torch.random.manual_seed(s);
            Build(new long[] { 1, 28, 28 });
        }
        finally
        {
            if (saved is not null)
            {
                torch.random.set_rng_state(saved);
                saved.Dispose();
            }
        }
    }

    /// <inheritdoc />
    string IFeatureExtractor.Name => "mnist-cnn";

    /// <summary>Computes class logits <c>[n, 10]</c> from images <c>[n, 784]</c>, <c>[n, 28, 28]</c> or <c>[n, 1, 28, 28]</c> in [−1, 1].</summary>
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        using var scope = NewDisposeScope();
        return output.Call(Features(inputs), training).MoveToOuterDisposeScope();
    }

    /// <summary>Computes the 128 features (after the hidden layer's ReLU), with gradients if enabled.</summary>
    public Tensor Features(Tensor images)
    {
        ArgumentNullException.ThrowIfNull(images);
        using var scope = NewDisposeScope();
        var x = pool1.Call(conv1.Call(ToNchw(images)));
        x = pool2.Call(conv2.Call(x));
        return hidden.Call(flatten.Call(x)).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public (Tensor Features, Tensor Logits) Extract(Tensor images)
    {
        ArgumentNullException.ThrowIfNull(images);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var features = Features(images);
        var logits = output.Call(features);
        return (features.cpu().MoveToOuterDisposeScope(), logits.cpu().MoveToOuterDisposeScope());
    }

    // libtorch's default for Conv2d and Linear: kaiming_uniform(a = √5) for the kernel and U(±1/√fan-in) for the bias, both ±1/√fan-in.
    private static RandomUniform TorchDefault(int fanIn) => new(-1 / Math.Sqrt(fanIn), 1 / Math.Sqrt(fanIn));

    private static Tensor ToNchw(Tensor images) => images.dim() switch
    {
        2 when images.shape[1] == 784 => images.reshape(images.shape[0], 1, 28, 28),
        3 when images.shape[1] == 28 && images.shape[2] == 28 => images.unsqueeze(1),
        4 when images.shape[1] == 1 && images.shape[2] == 28 && images.shape[3] == 28 => images.alias(),
        _ => throw new ArgumentException($"The MNIST classifier expects images [n, 784], [n, 28, 28] or [n, 1, 28, 28], but received [{string.Join(", ", images.shape)}].", nameof(images)),
    };
}
