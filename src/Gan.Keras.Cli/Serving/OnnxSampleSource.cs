using System.Globalization;
using Gan.Keras.Export.Onnx;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using TorchSharp;

namespace Gan.Keras.Cli.Serving;

/// <summary>Serves an ONNX export of a generator (<c>gan export</c>) with ONNX Runtime; <see cref="InferenceSession.Run(IReadOnlyCollection{NamedOnnxValue})"/> may be called concurrently.</summary>
internal sealed class OnnxSampleSource : ISampleSource
{
    private readonly SessionOptions options;
    private readonly InferenceSession session;

    /// <summary>Initializes a new instance of the <see cref="OnnxSampleSource"/> class from a file written by <see cref="OnnxExporter"/>.</summary>
    /// <param name="path">The <c>.onnx</c> file.</param>
    /// <exception cref="InvalidDataException">The file is not an ONNX model, or not one exported by Gan.Keras (its metadata is missing).</exception>
    public OnnxSampleSource(string path)
    {
        options = new SessionOptions();
        try
        {
            session = new InferenceSession(path, options);
        }
        catch (OnnxRuntimeException ex)
        {
            options.Dispose();
            throw new InvalidDataException($"'{path}' is not a valid ONNX model: {ex.Message.Split('\n')[0]}", ex);
        }
        var metadata = session.ModelMetadata.CustomMetadataMap;
        try
        {
            LatentDim = int.Parse(Read(metadata, "gan_keras.latent_dim", path), CultureInfo.InvariantCulture);
            NumClasses = metadata.TryGetValue("gan_keras.num_classes", out var classes) ? int.Parse(classes, CultureInfo.InvariantCulture) : null;
            SampleShape = Read(metadata, "gan_keras.sample_shape", path).Split(',').Select(d => long.Parse(d, CultureInfo.InvariantCulture)).ToArray();
            // Exports before the range was recorded were all tanh generators.
            if (metadata.TryGetValue("gan_keras.output_range", out var range))
            {
                var bounds = range.Split(',').Select(b => double.Parse(b, NumberStyles.Float, CultureInfo.InvariantCulture)).ToArray();
                OutputRange = bounds.Length == 2 && bounds[0] < bounds[1] && double.IsFinite(bounds[0]) && double.IsFinite(bounds[1]) ? (bounds[0], bounds[1])
                    : throw new FormatException($"gan_keras.output_range '{range}' is not two finite bounds low,high");
            }
        }
        catch (FormatException ex)
        {
            Dispose();
            throw new InvalidDataException($"'{path}' has malformed Gan.Keras metadata ({ex.Message}). Export it again with `gan export`.", ex);
        }
        catch (InvalidDataException)
        {
            Dispose();
            throw;
        }
        Description = string.Create(CultureInfo.InvariantCulture,
            $"{DisplayPath.Of(path)} (ONNX opset {OnnxExporter.Opset}, {metadata.GetValueOrDefault("gan_keras.weights", "trained")} weights; ONNX Runtime)");
    }

    /// <inheritdoc />
    public (double Low, double High) OutputRange { get; } = (-1, 1);

    /// <inheritdoc />
    public int LatentDim { get; }

    /// <inheritdoc />
    public int? NumClasses { get; }

    /// <inheritdoc />
    public IReadOnlyList<long> SampleShape { get; }

    /// <inheritdoc />
    public string Description { get; }

    /// <inheritdoc />
    public double[,]? Modes => null;

    /// <inheritdoc />
    public torch.Tensor Generate(torch.Tensor latent, torch.Tensor? labels)
    {
        ArgumentNullException.ThrowIfNull(latent);
        int n = (int)latent.shape[0];
        var inputs = new List<NamedOnnxValue>
        {
            NamedOnnxValue.CreateFromTensor(OnnxExporter.LatentInput, new DenseTensor<float>(latent.to(torch.float32).contiguous().data<float>().ToArray(), new[] { n, LatentDim })),
        };
        if (NumClasses is not null)
        {
            ArgumentNullException.ThrowIfNull(labels);
            inputs.Add(NamedOnnxValue.CreateFromTensor(OnnxExporter.LabelsInput, new DenseTensor<long>(labels.to(torch.int64).contiguous().data<long>().ToArray(), new[] { n })));
        }
        using var outputs = session.Run(inputs);
        var samples = (DenseTensor<float>)outputs.Single().AsTensor<float>();
        return torch.tensor(samples.Buffer.ToArray(), new long[] { n }.Concat(SampleShape).ToArray());
    }

    /// <inheritdoc />
    public void Dispose()
    {
        session.Dispose();
        options.Dispose();
    }

    private static string Read(Dictionary<string, string> metadata, string key, string path) =>
        metadata.TryGetValue(key, out var value)
            ? value
            : throw new InvalidDataException($"'{path}' was not exported by Gan.Keras: its metadata has no '{key}'. Export the generator with `gan export`.");
}
