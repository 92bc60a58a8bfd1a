using TorchSharp;
using TorchSharp.Modules;

namespace Gan.Keras.Optimizers;

/// <summary>
/// RMSprop with Keras's defaults (lr 1e-3, ρ 0.9, ε 1e-7) and Keras 3's rule: <c>w −= lr·g/√(v + ε)</c>;
/// <c>epsilonOutsideSqrt: true</c> gives PyTorch's <c>w −= lr·g/(√v + ε)</c>.
/// </summary>
/// <remarks>Tieleman &amp; Hinton, Lecture 6.5, COURSERA: Neural Networks for Machine Learning, 2012.</remarks>
public sealed class RMSprop : Optimizer
{
    private static readonly string[] Slots = { "velocity" };

    /// <summary>Initializes a new instance of the <see cref="RMSprop"/> class.</summary>
    /// <param name="learningRate">Step size.</param>
    /// <param name="rho">Decay of the squared-gradient average, in [0, 1).</param>
    /// <param name="epsilon">Small positive constant.</param>
    /// <param name="epsilonOutsideSqrt">Add ε to √v (PyTorch's <c>torch.optim.RMSprop</c>) instead of to v under the root (Keras, the default).</param>
    public RMSprop(double learningRate = 1e-3, double rho = 0.9, double epsilon = 1e-7, bool epsilonOutsideSqrt = false) : base(learningRate)
    {
        if (rho < 0 || rho >= 1) throw new ArgumentOutOfRangeException(nameof(rho), rho, "rho must be in [0, 1).");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(epsilon);
        Rho = rho;
        Epsilon = epsilon;
        EpsilonOutsideSqrt = epsilonOutsideSqrt;
    }

    /// <summary>Gets rho.</summary>
    public double Rho { get; }

    /// <summary>Gets epsilon.</summary>
    public double Epsilon { get; }

    /// <summary>Gets a value indicating whether ε is added to √v (PyTorch) rather than to v (Keras).</summary>
    public bool EpsilonOutsideSqrt { get; }

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, object> GetConfig()
    {
        var config = new Dictionary<string, object> { ["name"] = "rmsprop", ["learning_rate"] = LearningRate, ["rho"] = Rho, ["epsilon"] = Epsilon };
        if (EpsilonOutsideSqrt) config["epsilon_outside_sqrt"] = true;
        return config;
    }

    /// <inheritdoc />
    protected override IReadOnlyList<string> SlotNames => Slots;

    /// <inheritdoc />
    protected override void Update(torch.Tensor variables, torch.Tensor gradients, IReadOnlyDictionary<string, torch.Tensor> slots, long step)
    {
        var velocity = slots["velocity"];
        velocity.mul_(Rho).addcmul_(gradients, gradients, value: 1 - Rho);
        using var denominator = EpsilonOutsideSqrt ? velocity.sqrt().add_(Epsilon) : velocity.add(Epsilon).sqrt_();
        variables.addcdiv_(gradients, denominator, value: -LearningRate);
    }
}
