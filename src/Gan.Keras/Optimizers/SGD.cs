using TorchSharp;
using TorchSharp.Modules;

namespace Gan.Keras.Optimizers;

/// <summary>Stochastic gradient descent with optional (Nesterov) momentum, Keras defaults (lr 0.01, momentum 0).</summary>
/// <remarks>Keras's rule: <c>v = momentum·v − lr·g</c>; <c>w += v</c> (Nesterov: <c>w += momentum·v − lr·g</c>).</remarks>
public sealed class SGD : Optimizer
{
    private static readonly string[] NoSlots = Array.Empty<string>();
    private static readonly string[] MomentumSlots = { "momentum" };

    /// <summary>Initializes a new instance of the <see cref="SGD"/> class.</summary>
    /// <param name="learningRate">Step size.</param>
    /// <param name="momentum">Momentum in [0, 1).</param>
    /// <param name="nesterov">Whether to use Nesterov momentum.</param>
    public SGD(double learningRate = 0.01, double momentum = 0.0, bool nesterov = false) : base(learningRate)
    {
        if (momentum < 0 || momentum >= 1) throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "momentum must be in [0, 1).");
        Momentum = momentum;
        Nesterov = nesterov;
    }

    /// <summary>Gets the momentum.</summary>
    public double Momentum { get; }

    /// <summary>Gets a value indicating whether Nesterov momentum is used.</summary>
    public bool Nesterov { get; }

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, object> GetConfig() => new Dictionary<string, object>
    {
        ["name"] = "sgd", ["learning_rate"] = LearningRate, ["momentum"] = Momentum, ["nesterov"] = Nesterov,
    };

    /// <inheritdoc />
    protected override IReadOnlyList<string> SlotNames => Momentum > 0 ? MomentumSlots : NoSlots;

    /// <inheritdoc />
    protected override void Update(torch.Tensor variables, torch.Tensor gradients, IReadOnlyDictionary<string, torch.Tensor> slots, long step)
    {
        if (Momentum == 0)
        {
            variables.add_(gradients, alpha: -LearningRate);
            return;
        }
        var velocity = slots["momentum"];
        velocity.mul_(Momentum).add_(gradients, alpha: -LearningRate);
        if (Nesterov)
        {
            variables.add_(velocity, alpha: Momentum).add_(gradients, alpha: -LearningRate);
        }
        else
        {
            variables.add_(velocity);
        }
    }
}
