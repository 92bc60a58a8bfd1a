using Gan.Keras.Layers;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Layers;

/// <summary>The activation table: every Keras name, its formula (checked against a hand-written reference) and its ONNX conversion.</summary>
public class ActivationsTests
{
    private static readonly double[] X = { -2.5, -0.7, 0, 0.4, 1.3, 3 };

    // libtorch's SELU constants (Klambauer et al. 2017), which Keras uses too.
    private const double SeluAlpha = 1.6732632423543772848170429916717;
    private const double SeluScale = 1.0507009873554804934193349852946;

    public static TheoryData<string> Names => new() { "linear", "relu", "sigmoid", "tanh", "leaky_relu", "elu", "selu", "softplus", "softmax", "gelu", "swish", "silu" };

    public static TheoryData<string> ElementWiseNames => new() { "linear", "relu", "sigmoid", "tanh", "leaky_relu", "elu", "selu", "softplus", "gelu", "swish", "silu" };

    [Fact]
    public void Names_AreKerasNames_InTableOrder()
    {
        Assert.Equal(new[] { "linear", "relu", "sigmoid", "tanh", "leaky_relu", "elu", "selu", "softplus", "softmax", "gelu", "swish", "silu" }, Activations.Names);
    }

    [Theory]
    [MemberData(nameof(ElementWiseNames))]
    public void Get_ComputesKerasFormula_ElementWise(string name)
    {
        // Given values on both sides of zero
        using var x = torch.tensor(X, torch.float64).reshape(1, X.Length);

        // When
        using var y = Activations.Get(name)(x);

        // Then each value is Keras's formula, computed here in double
        double[] expected = X.Select(v => Reference(name, v)).ToArray();
        double[] actual = y.data<double>().ToArray();
        for (int i = 0; i < X.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-9, $"{name}({X[i]}) = {actual[i]}, expected {expected[i]}");
    }

    [Fact]
    public void Softmax_NormalisesTheLastAxis_OfARank3Tensor()
    {
        // Given a [1, 2, 3] tensor, where the last axis is not axis 1
        using var x = torch.tensor(new double[] { 1, 2, 3, -1, 0, 4 }, torch.float64).reshape(1, 2, 3);

        // When
        using var y = Activations.Get("softmax")(x);

        // Then each row of three sums to one: e^(x_i) / Σ_j e^(x_j) over the row
        double[] rowA = Softmax(1, 2, 3), rowB = Softmax(-1, 0, 4);
        Assert.Equal(rowA.Concat(rowB), y.data<double>().ToArray(), new DoubleTolerance(1e-12));
    }

    [Fact]
    public void Gelu_IsTheExactErfForm_NotTheTanhApproximation()
    {
        // Given x = −1.5, where the two forms differ by about 2e-4
        using var x = torch.tensor(new double[] { -1.5 }, torch.float64).reshape(1, 1);

        // When
        double y = Activations.Get("gelu")(x).item<double>();

        // Then 0.5·x·(1 + erf(x/√2)), not 0.5·x·(1 + tanh(√(2/π)(x + 0.044715x³)))
        double tanhForm = 0.5 * -1.5 * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (-1.5 + (0.044715 * Math.Pow(-1.5, 3)))));
        Assert.Equal(Reference("gelu", -1.5), y, 1e-10);
        Assert.True(Math.Abs(y - tanhForm) > 1e-5);
    }

    [Fact]
    public void Get_RefusesNull_AndUnknownNames_ListingTheValidOnes()
    {
        var nullName = Assert.Throws<ArgumentNullException>(() => Activations.Get(null!));
        var unknown = Assert.Throws<ArgumentException>(() => Activations.Get("leakyrelu"));

        Assert.Equal("name", nullName.ParamName);
        Assert.Equal("name", unknown.ParamName);
        Assert.Contains("Unknown activation 'leakyrelu'", unknown.Message, StringComparison.Ordinal);
        Assert.Contains("leaky_relu, elu, selu", unknown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ActivationLayer_RefusesANullName_NamingTheArgument()
    {
        var error = Assert.Throws<ArgumentNullException>(() => new Activation(null!));

        Assert.Equal("activation", error.ParamName);
    }

    [Fact]
    public void ActivationLayer_AppliesItsFunction_AndRoundTripsItsConfig()
    {
        // Given
        using var layer = new Activation("leaky_relu", name: "act");
        using var x = torch.tensor(new float[] { -2, 3 }).reshape(1, 2);

        // When
        using var y = layer.Call(x);
        var config = layer.GetConfig();

        // Then Keras's leaky_relu activation has slope 0.2
        Assert.Equal(new float[] { -0.4f, 3 }, y.data<float>().ToArray());
        Assert.Equal(new ActivationConfig("leaky_relu", "act"), config);
        Assert.Equal("leaky_relu", ((Activation)config.CreateLayer()).ActivationName);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Onnx_MatchesTheActivation_OnARank3Input(string name)
    {
        // Given a Dense feeding a [2, 3] reshape (so softmax's last axis is not axis 1), then the activation
        // When exported and run by ONNX Runtime
        var (error, _) = LayerOnnxCheck.Run(z => new Activation(name).Call(new Reshape([2, 3]).Call(new Dense(6).Call(z))), latentDim: 4);

        // Then it agrees with the layer
        Assert.True(error <= 1e-5, $"{name}: max |Δ| {error:E2}");
    }

    [Fact]
    public void Onnx_Gelu_NamesItsConstantsAfterTheLayer()
    {
        var (error, model) = LayerOnnxCheck.Run(z => new Activation("gelu", name: "act").Call(new Dense(3).Call(z)), latentDim: 2);

        Assert.True(error <= 1e-5, $"max |Δ| {error:E2}");
        Assert.Equal(new[] { "act.half", "act.one", "act.sqrt2" }, model.Graph.Initializer.Select(t => t.Name).Where(n => n.StartsWith("act.", StringComparison.Ordinal)).Order());
    }

    private static double Reference(string name, double x) => name switch
    {
        "linear" => x,
        "relu" => Math.Max(x, 0),
        "sigmoid" => 1 / (1 + Math.Exp(-x)),
        "tanh" => Math.Tanh(x),
        "leaky_relu" => x >= 0 ? x : 0.2 * x,
        "elu" => x > 0 ? x : Math.Exp(x) - 1,
        "selu" => x > 0 ? SeluScale * x : SeluScale * SeluAlpha * (Math.Exp(x) - 1),
        "softplus" => Math.Log(1 + Math.Exp(x)),
        "gelu" => 0.5 * x * (1 + Erf(x / Math.Sqrt(2))),
        "swish" or "silu" => x / (1 + Math.Exp(-x)),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private static double[] Softmax(params double[] row)
    {
        double total = row.Sum(Math.Exp);
        return row.Select(v => Math.Exp(v) / total).ToArray();
    }

    /// <summary>erf by its Maclaurin series, 2/√π Σ (−1)ⁿ x^(2n+1) / (n!(2n+1)); exact to double precision for |x| ≤ 3.</summary>
    private static double Erf(double x)
    {
        double sum = 0, term = x;
        for (int n = 0; n < 80; n++)
        {
            sum += term / ((2 * n) + 1);
            term *= -x * x / (n + 1);
        }
        return 2 / Math.Sqrt(Math.PI) * sum;
    }

    private sealed class DoubleTolerance(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}
