using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using TorchSharp;

namespace Gan.Keras.Tests.Export.Onnx;

/// <summary>Runs an exported generator with ONNX Runtime (one thread), independently of the exporter's code.</summary>
internal sealed class OnnxRunner : IDisposable
{
    private readonly SessionOptions options = new() { IntraOpNumThreads = 1, InterOpNumThreads = 1 };

    public OnnxRunner(byte[] model) => Session = new InferenceSession(model, options);

    public InferenceSession Session { get; }

    /// <summary>Runs the graph on a latent batch (and labels for conditional graphs); returns a new float32 CPU tensor.</summary>
    public torch.Tensor Run(torch.Tensor latent, torch.Tensor? labels = null)
    {
        var z = latent.to(torch.float32).cpu().contiguous();
        var inputs = new List<NamedOnnxValue>
        {
            NamedOnnxValue.CreateFromTensor("latent", new DenseTensor<float>(z.data<float>().ToArray(), z.shape.Select(d => (int)d).ToArray())),
        };
        if (labels is not null)
        {
            var y = labels.to(torch.int64).cpu().contiguous();
            inputs.Add(NamedOnnxValue.CreateFromTensor("labels", new DenseTensor<long>(y.data<long>().ToArray(), new[] { (int)y.shape[0] })));
        }
        using var outputs = Session.Run(inputs);
        var samples = outputs.Single(o => o.Name == "samples").AsTensor<float>();
        return torch.tensor(samples.ToArray(), samples.Dimensions.ToArray().Select(d => (long)d).ToArray());
    }

    /// <summary>Runs the graph on named inputs (float32, or int64 for labels) of any shape; returns the samples as a new float32 CPU tensor.</summary>
    public torch.Tensor Run(IReadOnlyDictionary<string, torch.Tensor> namedInputs)
    {
        var inputs = new List<NamedOnnxValue>();
        foreach (var (name, tensor) in namedInputs)
        {
            int[] shape = tensor.shape.Select(d => (int)d).ToArray();
            inputs.Add(tensor.dtype == torch.int64
                ? NamedOnnxValue.CreateFromTensor(name, new DenseTensor<long>(tensor.cpu().contiguous().data<long>().ToArray(), shape))
                : NamedOnnxValue.CreateFromTensor(name, new DenseTensor<float>(tensor.to(torch.float32).cpu().contiguous().data<float>().ToArray(), shape)));
        }
        using var outputs = Session.Run(inputs);
        var samples = outputs.Single(o => o.Name == "samples").AsTensor<float>();
        return torch.tensor(samples.ToArray(), samples.Dimensions.ToArray().Select(d => (long)d).ToArray());
    }

    public void Dispose()
    {
        Session.Dispose();
        options.Dispose();
    }
}
