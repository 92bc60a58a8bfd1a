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
            codes = metadata.TryGetValue("gan_keras.codes", out var list) ? list.Split(';').Select(ParseCode).ToArray() : Array.Empty<Code>();
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

    private readonly Code[] codes = Array.Empty<Code>();

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
            // [batch] or [batch, 1], as the generator's labels input takes them.
            int[] shape = session.InputMetadata.TryGetValue(OnnxExporter.LabelsInput, out var meta) && meta.Dimensions.Length == 2 ? new[] { n, 1 } : new[] { n };
            inputs.Add(NamedOnnxValue.CreateFromTensor(OnnxExporter.LabelsInput, new DenseTensor<long>(labels.to(torch.int64).contiguous().data<long>().ToArray(), shape)));
        }
        // Codes (InfoGAN) are drawn from a fixed seed: the same request gives the same picture.
        using var codeSeed = new torch.Generator(0);
        foreach (var code in codes)
        {
            using var scope = torch.NewDisposeScope();
            var values = code.Categories is { } k
                ? torch.nn.functional.one_hot(torch.randint(k, new long[] { n }, generator: codeSeed), k).to(torch.float32)
                : torch.rand(new long[] { n, code.Dim }, generator: codeSeed) * (code.High - code.Low) + code.Low;
            inputs.Add(NamedOnnxValue.CreateFromTensor(code.Name, new DenseTensor<float>(values.contiguous().data<float>().ToArray(), new[] { n, (int)values.shape[1] })));
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

    private static Code ParseCode(string text)
    {
        var parts = text.Split(':');
        return parts switch
        {
            [var name, "categorical", var k] => new Code(name, int.Parse(k, CultureInfo.InvariantCulture), 0, 0, 0),
            [var name, "uniform", var low, var high, var dim] => new Code(name, null, double.Parse(low, NumberStyles.Float, CultureInfo.InvariantCulture),
                double.Parse(high, NumberStyles.Float, CultureInfo.InvariantCulture), int.Parse(dim, CultureInfo.InvariantCulture)),
            _ => throw new FormatException($"gan_keras.codes entry '{text}' is not name:categorical:K or name:uniform:low:high:dim"),
        };
    }

    /// <summary>A code input the server draws: categorical (one-hot of <c>Categories</c>) or uniform in [Low, High] of <c>Dim</c>.</summary>
    private sealed record Code(string Name, int? Categories, double Low, double High, int Dim);

    private static string Read(Dictionary<string, string> metadata, string key, string path) =>
        metadata.TryGetValue(key, out var value)
            ? value
            : throw new InvalidDataException($"'{path}' was not exported by Gan.Keras: its metadata has no '{key}'. Export the generator with `gan export`.");
}
