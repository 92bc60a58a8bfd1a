using TorchSharp;
using TorchSharp.Modules;

namespace Gan.Keras.Optimizers;

/// <summary>
/// Adam with Keras's defaults (lr 1e-3, β₁ 0.9, β₂ 0.999, ε 1e-7) and, by default, Keras's update rule.
/// Use <see cref="AdamUpdateRule.Algorithm1"/> and ε 1e-8 to match PyTorch's <c>torch.optim.Adam</c>.
/// </summary>
/// <remarks>Kingma &amp; Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015.</remarks>
public sealed class Adam : Optimizer
{
    private static readonly string[] Slots = { "m", "v" };

    /// <summary>Initializes a new instance of the <see cref="Adam"/> class.</summary>
    /// <param name="learningRate">Step size.</param>
    /// <param name="beta1">Decay of the first moment, in [0, 1).</param>
    /// <param name="beta2">Decay of the second moment, in [0, 1).</param>
    /// <param name="epsilon">Small constant for numerical stability; positive.</param>
    /// <param name="rule">Where epsilon is added; Keras's rule by default.</param>
    /// <param name="betaPowers">How βᵗ is computed; by default as the rule's framework does (Keras: the variable's dtype; Algorithm 1: float64, as PyTorch).</param>
    public Adam(double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-7, AdamUpdateRule rule = AdamUpdateRule.Keras, BetaPowerPrecision? betaPowers = null)
        : base(learningRate)
    {
        if (beta1 < 0 || beta1 >= 1) throw new ArgumentOutOfRangeException(nameof(beta1), beta1, "beta1 must be in [0, 1).");
        if (beta2 < 0 || beta2 >= 1) throw new ArgumentOutOfRangeException(nameof(beta2), beta2, "beta2 must be in [0, 1).");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(epsilon);
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        Rule = rule;
        BetaPowers = betaPowers ?? (rule == AdamUpdateRule.Keras ? BetaPowerPrecision.VariableDtype : BetaPowerPrecision.DoublePrecision);
    }

    /// <summary>Gets how the bias-correction powers are computed.</summary>
    public BetaPowerPrecision BetaPowers { get; }

    /// <summary>Gets the first-moment decay.</summary>
    public double Beta1 { get; }

    /// <summary>Gets the second-moment decay.</summary>
    public double Beta2 { get; }

    /// <summary>Gets epsilon.</summary>
    public double Epsilon { get; }

    /// <summary>Gets the update rule.</summary>
    public AdamUpdateRule Rule { get; }

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, object> GetConfig() => new Dictionary<string, object>
    {
        ["name"] = "adam", ["learning_rate"] = LearningRate, ["beta_1"] = Beta1, ["beta_2"] = Beta2,
        ["epsilon"] = Epsilon, ["rule"] = Rule.ToString(), ["beta_powers"] = BetaPowers.ToString(),
    };

    /// <inheritdoc />
    protected override IReadOnlyList<string> SlotNames => Slots;

    /// <inheritdoc />
    protected override void Update(torch.Tensor variables, torch.Tensor gradients, IReadOnlyDictionary<string, torch.Tensor> slots, long step)
    {
        var m = slots["m"];
        var v = slots["v"];
        m.mul_(Beta1).add_(gradients, alpha: 1 - Beta1);
        v.mul_(Beta2).addcmul_(gradients, gradients, value: 1 - Beta2);
        double biasCorrection1 = 1 - BetaPower(Beta1, step, variables.dtype);
        double biasCorrection2 = 1 - BetaPower(Beta2, step, variables.dtype);
        if (Rule == AdamUpdateRule.Keras)
        {
            double alpha = LearningRate * Math.Sqrt(biasCorrection2) / biasCorrection1;
            using var denominator = v.sqrt().add_(Epsilon);
            variables.addcdiv_(m, denominator, value: -alpha);
        }
        else
        {
            // The order of operations follows torch.optim.Adam, so results match PyTorch bit for bit where possible.
            using var denominator = v.sqrt().div_(Math.Sqrt(biasCorrection2)).add_(Epsilon);
            variables.addcdiv_(m, denominator, value: -LearningRate / biasCorrection1);
        }
    }

    private double BetaPower(double beta, long step, torch.ScalarType dtype)
    {
        switch (BetaPowers)
        {
            case BetaPowerPrecision.Float32RunningProduct:
                float product = (float)beta;
                for (long t = 1; t < step; t++) product *= (float)beta;
                return product;
            case BetaPowerPrecision.VariableDtype when dtype != torch.ScalarType.Float64:
                return MathF.Pow((float)beta, step);
            default:
                return Math.Pow(beta, step);
        }
    }
}
