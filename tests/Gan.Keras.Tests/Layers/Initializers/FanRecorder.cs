using Gan.Keras.Layers.Initializers;
using TorchSharp;

namespace Gan.Keras.Tests.Layers.Initializers;

/// <summary>An initializer that records the fans a layer passes it (and fills with zeros), so a test can check a layer's fan rule.</summary>
internal sealed class FanRecorder : Initializer
{
    public FanRecorder() : base(null) { }

    /// <summary>Gets the (fan_in, fan_out) of every call, in order.</summary>
    public List<(long FanIn, long FanOut)> Calls { get; } = new();

    protected override void Fill(torch.Tensor tensor, long fanIn, long fanOut, torch.Generator? generator)
    {
        Calls.Add((fanIn, fanOut));
        tensor.zero_();
    }
}
