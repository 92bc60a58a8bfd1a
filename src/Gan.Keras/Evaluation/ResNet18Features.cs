using System.Globalization;
using System.Security.Cryptography;
using Gan.Keras.Export.Images;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using TorchSharp;

namespace Gan.Keras.Evaluation;

/// <summary>
/// The 512-d pooled features of an ImageNet-trained ResNet-18 (He et al., CVPR 2016), the network of ML.NET's
/// <c>DnnImageFeaturizer</c> (NuGet <c>Microsoft.ML.DnnImageFeaturizer.ResNet18</c> 0.23.1, MIT), run with ONNX Runtime.
/// A pretrained network that has seen natural images, so image metrics mean something on any data, colour or gray.
/// </summary>
/// <remarks>
/// Preprocessing, as the package's own <c>ResNetPreprocess.onnx</c> does before the network: images in [−1, 1] are
/// mapped to 0–255, gray ones repeated to three channels, resized to 224×224 with bilinear interpolation (half-pixel
/// centres, no antialiasing: <c>align_corners=False</c>), reordered RGB → BGR and the package's mean image
/// (per pixel, Caffe-style; no division by a standard deviation) subtracted. The graph's input <c>Input247</c> is
/// fixed at batch 1, so images run one at a time; the output <c>Pooling395_Output_0</c> <c>[1, 512, 1, 1]</c> is the
/// global average pool before the classifier. Both ONNX files are checked against their SHA-256 when loaded. The
/// network has no class head here, so <see cref="Extract"/> returns zero-width logits.
/// </remarks>
public sealed class ResNet18Features : IFeatureExtractor, IDisposable
{
    /// <summary>The SHA-256 of <c>ResNet18.onnx</c> in the NuGet package 0.23.1.</summary>
    public const string ModelSha256 = "e2552f19db2dfdb01b3669537b6a0f1b44da38d18279535492ed5dfc2ef1ff8f";

    /// <summary>The SHA-256 of <c>ResNetPreprocess.onnx</c> (the mean image) in the same package.</summary>
    public const string PreprocessSha256 = "84bf8def78d0befaa3f6e73745d57d7016c6a192ead76f79686bd438c1047004";

    /// <summary>The side of the network's input images.</summary>
    public const int InputSide = 224;

    /// <summary>The length of a feature vector.</summary>
    public const int FeatureSize = 512;

    private const string InputName = "Input247";
    private const string OutputName = "Pooling395_Output_0";
    private readonly InferenceSession session;
    private readonly torch.Tensor meanBgr;

    /// <summary>Initializes a new instance of the <see cref="ResNet18Features"/> class from the two ONNX files.</summary>
    /// <param name="modelDirectory">The folder with <c>ResNet18.onnx</c> and <c>ResNetPreprocess.onnx</c>; by default <see cref="DefaultModelDirectory"/>, where the build copies them.</param>
    /// <param name="threads">ONNX Runtime intra-op threads; by default the processor count.</param>
    /// <exception cref="FileNotFoundException">A model file is missing; the message says where it comes from.</exception>
    /// <exception cref="InvalidDataException">A model file's SHA-256 differs from the package's.</exception>
    public ResNet18Features(string? modelDirectory = null, int? threads = null)
    {
        modelDirectory ??= DefaultModelDirectory;
        if (threads is { } t) ArgumentOutOfRangeException.ThrowIfNegativeOrZero(t, nameof(threads));
        string model = Verified(Path.Combine(modelDirectory, "ResNet18.onnx"), ModelSha256);
        string preprocess = Verified(Path.Combine(modelDirectory, "ResNetPreprocess.onnx"), PreprocessSha256);
        using var options = new SessionOptions { IntraOpNumThreads = threads ?? Environment.ProcessorCount, InterOpNumThreads = 1 };
        // The mean image is the preprocessing graph's constant: its output for a black image is minus the mean.
        using (var prep = new InferenceSession(preprocess, options))
        {
            var input = prep.InputMetadata.First();
            int[] dims = input.Value.Dimensions.Select(d => Math.Max(d, 1)).ToArray();
            var zeros = new DenseTensor<float>(dims);
            using var outputs = prep.Run(new[] { NamedOnnxValue.CreateFromTensor(input.Key, zeros) });
            float[] negativeMean = outputs[0].AsEnumerable<float>().ToArray();
            // Lives as long as the extractor: detached from any dispose scope on purpose.
            meanBgr = torch.tensor(negativeMean, new long[] { 1, 3, InputSide, InputSide }).neg().DetachFromDisposeScope();
        }
        session = new InferenceSession(model, options);
        BatchDimension = session.InputMetadata[InputName].Dimensions[0];
    }

    /// <summary>Gets the folder the build copies the model files to: <c>Models/</c> beside the application.</summary>
    public static string DefaultModelDirectory => Path.Combine(AppContext.BaseDirectory, "Models");

    /// <inheritdoc />
    public string Name => "resnet18";

    /// <summary>Gets the batch dimension of the graph's input as stored in the file (1: images run one at a time).</summary>
    public int BatchDimension { get; }

    /// <summary>Preprocesses images as the network expects (see the remarks): <c>[n, 3, 224, 224]</c>, BGR, 0–255 minus the mean image.</summary>
    /// <param name="images">Images in [−1, 1]: NCHW with 1 or 3 channels, <c>[n, h, w]</c>, or flat square vectors.</param>
    public torch.Tensor Preprocess(torch.Tensor images)
    {
        ArgumentNullException.ThrowIfNull(images);
        using var scope = torch.NewDisposeScope();
        var nchw = ImageLayout.ToNchw(images.detach().cpu().to_type(torch.float32));
        if (nchw.shape[1] == 1) nchw = nchw.expand(-1, 3, -1, -1);
        var pixels = nchw.clamp(-1, 1).add(1).mul(127.5);
        if (pixels.shape[2] != InputSide || pixels.shape[3] != InputSide)
            pixels = torch.nn.functional.interpolate(pixels, new long[] { InputSide, InputSide }, mode: torch.InterpolationMode.Bilinear, align_corners: false);
        return pixels.flip(1).sub(meanBgr).contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>Computes the pooled features <c>[n, 512]</c> of a batch of images.</summary>
    /// <param name="images">As for <see cref="Preprocess"/>.</param>
    /// <returns>A new CPU float32 tensor.</returns>
    public torch.Tensor Features(torch.Tensor images)
    {
        using var scope = torch.NewDisposeScope();
        var input = Preprocess(images);
        long n = input.shape[0];
        int perImage = 3 * InputSide * InputSide;
        float[] pixels = input.data<float>().ToArray();
        var features = new float[n * FeatureSize];
        var dims = new[] { 1, 3, InputSide, InputSide };
        for (long i = 0; i < n; i++)
        {
            var tensor = new DenseTensor<float>(new Memory<float>(pixels, (int)(i * perImage), perImage), dims);
            using var outputs = session.Run(new[] { NamedOnnxValue.CreateFromTensor(InputName, tensor) }, new[] { OutputName });
            var output = outputs[0].AsTensor<float>();
            int k = 0;
            foreach (float value in output) features[i * FeatureSize + k++] = value;
        }
        return torch.tensor(features, new long[] { n, FeatureSize }).MoveToOuterDisposeScope();
    }

    /// <summary>Computes the features <c>[n, 512]</c>, and zero-width logits <c>[n, 0]</c> (this network has no class head here).</summary>
    public (torch.Tensor Features, torch.Tensor Logits) Extract(torch.Tensor images)
    {
        var features = Features(images);
        return (features, torch.zeros(new long[] { features.shape[0], 0 }));
    }

    /// <summary>Releases the ONNX Runtime session and the mean image.</summary>
    public void Dispose()
    {
        session.Dispose();
        meanBgr.Dispose();
    }

    private static string Verified(string path, string sha256)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException(
                $"ResNet-18 model file '{path}' is missing. It is copied there at build time from the NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1: run `dotnet build` (or restore) again, or pass the folder that holds ResNet18.onnx and ResNetPreprocess.onnx.",
                path);
        string actual;
        using (var stream = File.OpenRead(path)) actual = Convert.ToHexStringLower(SHA256.HashData(stream));
        if (actual != sha256)
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"ResNet-18 model file '{path}' has SHA-256 {actual}, not the package's {sha256}: the file is altered or truncated. Delete it and run `dotnet build` to copy it again from the NuGet package."));
        return path;
    }
}
