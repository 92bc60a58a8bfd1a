using Gan.Keras.Layers;
using Gan.Keras.Layers.Initializers;
using Gan.Keras.Tests.Export.Onnx;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Layers;

public class GroupNormalizationTests
{
    [Fact]
    public void MeetsLayerContract_OnImages()
    {
        // Given [2, 4, 3, 3] in 2 groups: γ and β per channel
        // When / Then
        LayerHarness.Run(new LayerCase(() => new GroupNormalization(groups: 2), () => new[] { torch.randn(2, 4, 3, 3) * 2 + 1 }, new long[] { 2, 4, 3, 3 }, 8, 8));
    }

    [Fact]
    public void Call_NormalisesEachGroupOfChannels()
    {
        // Given features [1, 3 | 2, 6] in two groups: means 2 and 4, biased variances 1 and 4
        using var scope = torch.NewDisposeScope();
        using var layer = new GroupNormalization(groups: 2);

        // When
        var y = layer.Call(torch.tensor(new float[] { 1, 3, 2, 6 }).reshape(1, 4));

        // Then ∓1/√(1 + 1e-3) and ∓2/√(4 + 1e-3) (hand-computed)
        var actual = y.data<float>().ToArray();
        Assert.Equal(-0.9995003746877732, actual[0], 5);
        Assert.Equal(0.9995003746877732, actual[1], 5);
        Assert.Equal(-0.9998750234326181, actual[2], 5);
        Assert.Equal(0.9998750234326181, actual[3], 5);
    }

    [Fact]
    public void OneGroupPerChannel_IsInstanceNormalisation()
    {
        // Given one image with channels [[1, 3]] and [[0, 4]], and γ = [2, −1], β = [0.5, 0.25]
        using var scope = torch.NewDisposeScope();
        using var layer = new GroupNormalization(groups: -1);
        layer.Build(new long[] { 2, 1, 2 });
        using (torch.no_grad())
        {
            layer.get_parameter("gamma")!.copy_(torch.tensor(new float[] { 2, -1 }));
            layer.get_parameter("beta")!.copy_(torch.tensor(new float[] { 0.5f, 0.25f }));
        }

        // When
        var y = layer.Call(torch.tensor(new float[] { 1, 3, 0, 4 }).reshape(1, 2, 1, 2));

        // Then each channel is normalised on its own: 2·(∓0.99950) + 0.5 and −1·(∓0.99988) + 0.25
        var actual = y.data<float>().ToArray();
        Assert.Equal(-1.4990007493755464, actual[0], 5);
        Assert.Equal(2.4990007493755464, actual[1], 5);
        Assert.Equal(1.2498750234326181, actual[2], 5);
        Assert.Equal(-0.7498750234326181, actual[3], 5);
    }

    [Fact]
    public void Build_FillsGammaAndBetaWithTheGivenInitializers()
    {
        // Given CycleGAN's γ ~ N(0, 0.02) and a constant β of 0.5 on 512 channels
        using var layer = new GroupNormalization(groups: -1, gammaInitializer: new RandomNormal(0.0, 0.02), betaInitializer: new RandomUniform(0.5, 0.5 + 1e-9));

        // When
        layer.Build(new long[] { 512, 2, 2 });

        // Then γ has N(0, 0.02)'s moments (not the default ones), β is 0.5
        var gamma = layer.get_parameter("gamma")!;
        Assert.InRange(gamma.mean().item<float>(), -0.006f, 0.006f);
        Assert.InRange(gamma.std().item<float>(), 0.016f, 0.024f);
        Assert.InRange(layer.get_parameter("beta")!.min().item<float>(), 0.4999f, 0.5001f);
    }

    [Fact]
    public void Build_RefusesGroupsThatDoNotDivideTheChannels()
    {
        using var layer = new GroupNormalization();

        var error = Assert.Throws<IncompatibleInputException>(() => layer.Call(torch.zeros(2, 8, 4, 4)));

        Assert.Contains("32 groups", error.Message, StringComparison.Ordinal);
        Assert.Contains("8 channels", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Onnx_MatchesInference()
    {
        // Given two groups on features, instance normalisation on images, and one group without γ
        // When / Then
        double error = OnnxLayerCheck.MaxError(new Layer[]
        {
            new Dense(48), new GroupNormalization(groups: 4), new Reshape(new long[] { 3, 4, 4 }), new GroupNormalization(groups: -1),
            new GroupNormalization(groups: 1, epsilon: 1e-5, scale: false),
        }, latentDim: 4);
        Assert.True(error <= 1e-5, $"max |Δ| {error:E2}");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-2)]
    public void Constructor_RefusesGroupsOtherThanPositiveOrMinusOne(int groups)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new GroupNormalization(groups));

        Assert.Equal("groups", error.ParamName);
        Assert.Equal("epsilon", Assert.Throws<ArgumentOutOfRangeException>(() => new GroupNormalization(epsilon: 0)).ParamName);
    }

    [Theory]
    [InlineData(3, 4)]
    [InlineData(1, 0)]
    [InlineData(5, 4)]
    public void Build_RefusesGroupsThatDoNotDivideTheChannels_NamingBoth(int groups, long channels)
    {
        using var layer = new GroupNormalization(groups, name: "gn");

        var error = Assert.Throws<IncompatibleInputException>(() => layer.Build(new long[] { channels }));

        Assert.Contains($"Layer 'gn' (GroupNormalization) splits the channels into {groups} groups, but its input (None, {channels}) has {channels} channels", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AsManyGroupsAsChannels_IsInstanceNormalisation_LikeMinusOne()
    {
        // Given four channels of two values, as four groups and as −1
        using var four = new GroupNormalization(4);
        using var each = new GroupNormalization(-1);
        using var x = torch.tensor(new float[] { 1, 3, 0, 4, -2, 2, 5, 7 }).reshape(1, 4, 2);

        // When
        using var a = four.Call(x);
        using var b = each.Call(x);

        // Then each channel's pair becomes ±1·√(σ²/(σ² + ε))
        double[] variances = { 1, 4, 4, 1 };
        var expected = variances.SelectMany(v => new[] { -Math.Sqrt(v / (v + 1e-3)), Math.Sqrt(v / (v + 1e-3)) }).Select(v => (float)v).ToArray();
        Assert.Equal(expected, a.data<float>().ToArray(), new FloatTolerance(1e-5f));
        Assert.Equal(expected, b.data<float>().ToArray(), new FloatTolerance(1e-5f));
    }

    [Fact]
    public void Call_RaisesClearError_OnAOneDimensionalBatch()
    {
        using var layer = new GroupNormalization(name: "gn");

        var error = Assert.Throws<IncompatibleInputException>(() => layer.Call(torch.zeros(4)));

        Assert.Contains("Layer 'gn' (GroupNormalization) normalises groups of axis 1 (channels or features), but received a 1-D batch.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Onnx_NamesItsShapeConstantsAfterTheLayer_AndRefusesANullContext()
    {
        var gn = new GroupNormalization(2, name: "gn");

        var (error, model) = LayerOnnxCheck.Run(z => gn.Call(new Dense(4).Call(z)), latentDim: 2);

        Assert.True(error <= 1e-5, $"max |Δ| {error:E2}");
        var constants = model.Graph.Initializer.Select(t => t.Name).ToArray();
        Assert.Contains("gn.grouped_shape", constants);
        Assert.Contains("gn.shape", constants);
        Assert.Equal("onnx", Assert.Throws<ArgumentNullException>(() => gn.ExportOnnx(null!, "x")).ParamName);
    }

    private sealed class FloatTolerance(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(float obj) => 0;
    }
}
