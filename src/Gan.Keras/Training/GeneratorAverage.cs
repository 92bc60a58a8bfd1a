using Gan.Keras.Models;
using TorchSharp;

namespace Gan.Keras.Training;

/// <summary>
/// An exponential moving average of a generator's weights (<c>ema = d·ema + (1 − d)·w</c> after every generator
/// update; non-trainable state such as moving statistics is copied), kept by state-dict name so that it follows the
/// generator when TorchSharp replaces its parameters on a move.
/// </summary>
/// <remarks>Karras et al., "Progressive Growing of GANs", ICLR 2018; Yazıcı et al., "The Unusual Effectiveness of Averaging in GAN Training", ICLR 2019.</remarks>
internal sealed class GeneratorAverage : IDisposable
{
    private readonly Dictionary<string, torch.Tensor> weights;
    private readonly Dictionary<string, torch.Tensor> stash = new(StringComparer.Ordinal);

    /// <summary>Starts the average from the generator's current weights.</summary>
    public GeneratorAverage(Model generator)
    {
        using var noGrad = torch.no_grad();
        // The average lives across training steps: detached copies outside any dispose scope.
        weights = generator.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone().DetachFromDisposeScope());
    }

    /// <summary>Gets the averaged weights by state-dict name (live tensors).</summary>
    public IReadOnlyDictionary<string, torch.Tensor> Weights => weights;

    /// <summary>Moves one step towards the generator's weights.</summary>
    public void Update(Model generator, double decay)
    {
        using var noGrad = torch.no_grad();
        var trainable = new HashSet<string>(generator.named_parameters().Select(p => p.name));
        foreach (var (name, tensor) in generator.state_dict())
        {
            var average = weights[name];
            if (trainable.Contains(name) && tensor.is_floating_point()) average.mul_(decay).add_(tensor, alpha: 1 - decay);
            else average.copy_(tensor);
        }
    }

    /// <summary>Moves the average to a device and floating-point type.</summary>
    public void MoveTo(torch.Device device, torch.ScalarType dtype)
    {
        foreach (var name in weights.Keys.ToArray())
        {
            var moved = weights[name].to(weights[name].is_floating_point() ? dtype : weights[name].dtype, device).DetachFromDisposeScope();
            if (!ReferenceEquals(moved, weights[name])) weights[name].Dispose();
            weights[name] = moved;
        }
    }

    /// <summary>Copies the average into the generator until disposed, then puts the trained weights back.</summary>
    /// <remarks>The trained weights wait in one stash kept across calls (made again only after a move), not a copy made per call.</remarks>
    public IDisposable SwapInto(Model generator)
    {
        var live = generator.state_dict();
        using (torch.no_grad())
        {
            foreach (var (name, tensor) in live)
            {
                if (!stash.TryGetValue(name, out var kept) || kept.dtype != tensor.dtype || kept.device != tensor.device || !kept.shape.SequenceEqual(tensor.shape))
                {
                    kept?.Dispose();
                    stash[name] = kept = torch.empty_like(tensor).DetachFromDisposeScope();
                }
                kept.copy_(tensor);
                tensor.copy_(weights[name]);
            }
        }
        return new Restorer(live, stash);
    }

    /// <summary>Releases the averaged weights.</summary>
    public void Dispose()
    {
        foreach (var tensor in weights.Values.Concat(stash.Values)) tensor.Dispose();
        weights.Clear();
        stash.Clear();
    }

    private sealed class Restorer(IDictionary<string, torch.Tensor> live, Dictionary<string, torch.Tensor> stash) : IDisposable
    {
        public void Dispose()
        {
            using var noGrad = torch.no_grad();
            foreach (var (name, tensor) in live) tensor.copy_(stash[name]);
        }
    }
}
