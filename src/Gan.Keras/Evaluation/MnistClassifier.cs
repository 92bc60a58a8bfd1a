using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Gan.Keras.Evaluation;

/// <summary>
/// A small CNN that classifies 28×28 digits, used as the feature network of the image metrics (the role Inception-v3
/// plays for FID on natural images): conv 3×3 (16) → ReLU → max-pool → conv 3×3 (32) → ReLU → max-pool → dense 128 → ReLU
/// (the features) → dense 10 (the logits). Train it with <see cref="MnistClassifierTrainer"/>.
/// </summary>
public sealed class MnistClassifier : nn.Module<Tensor, Tensor>, IFeatureExtractor
{
    /// <summary>Gets a string that identifies the architecture; it is part of the weights' cache key.</summary>
    public const string Architecture = "mnist-cnn/v1: conv3x3(1→16) relu maxpool2, conv3x3(16→32) relu maxpool2, dense(1568→128) relu, dense(128→10)";

    /// <summary>Gets the feature dimension.</summary>
    public const int FeatureDimension = 128;

    private readonly Conv2d conv1;
    private readonly Conv2d conv2;
    private readonly Linear hidden;
    private readonly Linear output;

    /// <summary>Initializes a new instance of the <see cref="MnistClassifier"/> class, with libtorch's default initialization.</summary>
    /// <param name="seed">When given, the weights are drawn from this seed (the global generator is left as it was).</param>
    public MnistClassifier(long? seed = null) : base("mnist_classifier")
    {
        var saved = seed is null ? null : torch.random.get_rng_state();
        try
        {
            if (seed is { } s) torch.random.manual_seed(s);
            conv1 = nn.Conv2d(1, 16, 3, padding: 1);
            conv2 = nn.Conv2d(16, 32, 3, padding: 1);
            hidden = nn.Linear(32 * 7 * 7, FeatureDimension);
            output = nn.Linear(FeatureDimension, 10);
            RegisterComponents();
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
    public string Name => "mnist-cnn";

    /// <summary>Computes class logits <c>[n, 10]</c> from images <c>[n, 784]</c>, <c>[n, 28, 28]</c> or <c>[n, 1, 28, 28]</c> in [−1, 1].</summary>
    public override Tensor forward(Tensor input) => output.forward(Features(input));

    /// <summary>Computes the 128 features (after the hidden layer's ReLU), with gradients if enabled.</summary>
    public Tensor Features(Tensor images)
    {
        ArgumentNullException.ThrowIfNull(images);
        using var scope = NewDisposeScope();
        var x = ToNchw(images);
        x = nn.functional.max_pool2d(nn.functional.relu(conv1.forward(x)), 2);
        x = nn.functional.max_pool2d(nn.functional.relu(conv2.forward(x)), 2);
        return nn.functional.relu(hidden.forward(x.flatten(1))).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public (Tensor Features, Tensor Logits) Extract(Tensor images)
    {
        ArgumentNullException.ThrowIfNull(images);
        bool wasTraining = training;
        eval();
        try
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            var features = Features(images);
            var logits = output.forward(features);
            return (features.cpu().MoveToOuterDisposeScope(), logits.cpu().MoveToOuterDisposeScope());
        }
        finally
        {
            if (wasTraining) train();
        }
    }

    private static Tensor ToNchw(Tensor images) => images.dim() switch
    {
        2 when images.shape[1] == 784 => images.reshape(images.shape[0], 1, 28, 28),
        3 when images.shape[1] == 28 && images.shape[2] == 28 => images.unsqueeze(1),
        4 when images.shape[1] == 1 && images.shape[2] == 28 && images.shape[3] == 28 => images.alias(),
        _ => throw new ArgumentException($"The MNIST classifier expects images [n, 784], [n, 28, 28] or [n, 1, 28, 28], but received [{string.Join(", ", images.shape)}].", nameof(images)),
    };

    /// <summary>Releases the layers.</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            conv1.Dispose();
            conv2.Dispose();
            hidden.Dispose();
            output.Dispose();
        }
        base.Dispose(disposing);
    }
}
