using Gan.Keras.Data;
using Gan.Keras.Models;

namespace Gan.Keras.Tests.Callbacks;

/// <summary>A GAN whose steps log given values instead of training (fast, and able to log NaN on demand).</summary>
internal sealed class ScriptedGan : GanModel
{
    private readonly Func<int, double> dLoss;
    private int step;

    public ScriptedGan(Func<int, double> dLoss)
        : base(TinyGan.Create().Generator, TinyGan.Create().Discriminator, TinyGan.LatentDim, seed: 1)
    {
        this.dLoss = dLoss;
        Compile(new Gan.Keras.Optimizers.SGD(0.1), new Gan.Keras.Optimizers.SGD(0.1), new Gan.Keras.Losses.BinaryCrossentropy(fromLogits: true));
    }

    public override IReadOnlyDictionary<string, TorchSharp.torch.Tensor> TrainStep(Batch batch)
    {
        int s = step++;
        return new Dictionary<string, TorchSharp.torch.Tensor>
        {
            ["d_loss"] = TorchSharp.torch.tensor(dLoss(s)), ["g_loss"] = TorchSharp.torch.tensor((double)s),
            ["d_real"] = TorchSharp.torch.tensor(0.5), ["d_fake"] = TorchSharp.torch.tensor(0.25),
        };
    }
}
