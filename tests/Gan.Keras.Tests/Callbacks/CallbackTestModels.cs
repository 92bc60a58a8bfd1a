using Gan.Keras.Data;
using Gan.Keras.Models;

namespace Gan.Keras.Tests.Callbacks;

/// <summary>A GAN whose steps log given values instead of training (fast, and able to log NaN on demand).</summary>
internal sealed class ScriptedGan : GanModel
{
    private readonly Func<int, double> dLoss;
    private readonly double realScore;
    private readonly double fakeScore;
    private int step;

    /// <summary>Logs <paramref name="dLoss"/> of the step, the step as g_loss, and the given scores as D(x) and D(G(z)) (the loss only says what they are).</summary>
    public ScriptedGan(Func<int, double> dLoss, Gan.Keras.Losses.GanLoss? loss = null, double realScore = 0.5, double fakeScore = 0.25)
        : base(TinyGan.Create().Generator, TinyGan.Create().Discriminator, TinyGan.LatentDim, seed: 1)
    {
        this.dLoss = dLoss;
        this.realScore = realScore;
        this.fakeScore = fakeScore;
        if (loss is null) Compile(new Gan.Keras.Optimizers.SGD(0.1), new Gan.Keras.Optimizers.SGD(0.1), new Gan.Keras.Losses.BinaryCrossentropy(fromLogits: true));
        else Compile(new Gan.Keras.Optimizers.SGD(0.1), new Gan.Keras.Optimizers.SGD(0.1), loss);
    }

    public override IReadOnlyDictionary<string, TorchSharp.torch.Tensor> TrainStep(Batch batch)
    {
        int s = step++;
        return new Dictionary<string, TorchSharp.torch.Tensor>
        {
            ["d_loss"] = TorchSharp.torch.tensor(dLoss(s)), ["g_loss"] = TorchSharp.torch.tensor((double)s),
            ["d_real"] = TorchSharp.torch.tensor(realScore), ["d_fake"] = TorchSharp.torch.tensor(fakeScore),
        };
    }
}
