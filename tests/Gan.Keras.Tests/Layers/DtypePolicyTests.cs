using Gan.Keras.Layers;
using Gan.Keras.Layers.Initializers;
using Gan.Keras.Models;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Layers;

public class DtypePolicyTests
{
    [Fact]
    public void FromName_KnowsKerasPolicies_AndRefusesOthersListingTheValidOnes()
    {
        // Given Keras's policy names
        var mixedBf16 = DtypePolicy.FromName("mixed_bfloat16");
        var mixedF16 = DtypePolicy.FromName("mixed_float16");
        var bf16 = DtypePolicy.FromName("bfloat16");

        // When an unknown name is asked for
        var error = Assert.Throws<ArgumentException>(() => DtypePolicy.FromName("float16_mixed"));

        // Then mixed policies keep float32 variables, only float16 needs loss scaling, and the error lists the names
        Assert.Equal((torch.ScalarType.Float32, torch.ScalarType.BFloat16, true, false), (mixedBf16.VariableDtype, mixedBf16.ComputeDtype, mixedBf16.IsMixed, mixedBf16.NeedsLossScaling));
        Assert.Equal((torch.ScalarType.Float32, torch.ScalarType.Float16, true, true), (mixedF16.VariableDtype, mixedF16.ComputeDtype, mixedF16.IsMixed, mixedF16.NeedsLossScaling));
        Assert.Equal((torch.ScalarType.BFloat16, torch.ScalarType.BFloat16, false), (bf16.VariableDtype, bf16.ComputeDtype, bf16.IsMixed));
        Assert.Contains("float16_mixed", error.Message);
        Assert.Contains("mixed_bfloat16, mixed_float16", error.Message);
    }

    [Fact]
    public void UseGlobal_GivesNewLayersThePolicy_AndRestoresThePreviousOne()
    {
        // Given a layer made under a mixed global policy and one made after the scope ends
        Layer inside, after;
        using (DtypePolicy.UseGlobal(DtypePolicy.MixedBFloat16)) inside = new Dense(2);
        after = new Dense(2);

        // Then the first took the policy, the second the default again
        Assert.Equal(DtypePolicy.MixedBFloat16, inside.DtypePolicy);
        Assert.Equal(DtypePolicy.Float32, after.DtypePolicy);
        Assert.Equal(DtypePolicy.Float32, DtypePolicy.Global);
        inside.Dispose();
        after.Dispose();
    }

    [Theory]
    [InlineData("mixed_bfloat16", torch.ScalarType.BFloat16)]
    [InlineData("mixed_float16", torch.ScalarType.Float16)]
    public void MixedLayer_ComputesInTheComputeDtype_WithFloat32Variables(string policy, torch.ScalarType compute)
    {
        // Given a layer under a mixed policy that records the dtypes it sees while computing
        using var probe = new DtypeProbe { DtypePolicy = DtypePolicy.FromName(policy) };
        using var x = torch.randn(3, 4);

        // When it is called on float32 data
        using var y = probe.Call(x);

        // Then it computed in the compute dtype with its weight cast to it, while the stored weight stays float32
        Assert.Equal(compute, probe.SeenInput);
        Assert.Equal(compute, probe.SeenWeight);
        Assert.Equal(torch.ScalarType.Float32, probe.TrainableVariables.Single().dtype);
        Assert.Equal(compute, y.dtype);
        Assert.Equal((torch.ScalarType.Float32, compute), (probe.VariableDtype, probe.ComputeDtype));
    }

    [Fact]
    public void MixedDense_MatchesTheBfloat16Product_AndGradientsReachFloat32Variables()
    {
        // Given a mixed_bfloat16 Dense with a non-zero bias, and inputs with more digits than bfloat16 keeps
        using var dense = new Dense(3, useBias: true, biasInitializer: new RandomNormal(0, 1)) { DtypePolicy = DtypePolicy.MixedBFloat16 };
        dense.Build(new long[] { 5 });
        torch.manual_seed(3);
        using var x = torch.randn(4, 5) * 1.2345f;

        // When it is called and differentiated
        using var y = dense.Call(x);
        using var loss = y.to(torch.float32).square().sum();
        var gradients = torch.autograd.grad(new[] { loss }, dense.TrainableVariables.Cast<torch.Tensor>().ToArray());

        // Then the output is the bfloat16 computation (not the float32 one), and the gradients are float32
        using var expected = torch.addmm(dense.Bias!.to(torch.bfloat16), x.to(torch.bfloat16), dense.Kernel.to(torch.bfloat16), 1, 1);
        using var float32 = torch.addmm(dense.Bias!, x, dense.Kernel, 1, 1);
        Assert.Equal(torch.ScalarType.BFloat16, y.dtype);
        Assert.True(Same(y, expected), "the mixed Dense is not the bfloat16 product");
        Assert.False(Same(y, float32), "the mixed Dense computed in float32");
        Assert.All(gradients, g => Assert.Equal(torch.ScalarType.Float32, g.dtype));
        Assert.All(gradients, g => Assert.True(g.abs().sum().item<float>() > 0));
    }

    [Fact]
    public void Bfloat16Policy_CreatesVariablesInBfloat16()
    {
        // Given a layer under the pure bfloat16 policy
        using var dense = new Dense(2) { DtypePolicy = DtypePolicy.BFloat16 };

        // When it is built and called on float32 data
        dense.Build(new long[] { 3 });
        using var y = dense.Call(torch.ones(1, 3));

        // Then its variables and output are bfloat16
        Assert.All(dense.TrainableVariables, v => Assert.Equal(torch.ScalarType.BFloat16, v.dtype));
        Assert.Equal(torch.ScalarType.BFloat16, y.dtype);
    }

    [Fact]
    public void BatchNormalization_UnderMixedPolicy_KeepsStatisticsAndArithmeticInFloat32()
    {
        // Given a mixed_bfloat16 batch normalisation with moved statistics and a non-trivial scale and offset
        using var bn = new BatchNormalization(momentum: 0.5) { DtypePolicy = DtypePolicy.MixedBFloat16 };
        bn.Build(new long[] { 2 });
        using (torch.no_grad())
        {
            bn.TrainableVariables[0].copy_(torch.tensor(new[] { 1.5f, -0.75f }));
            bn.TrainableVariables[1].copy_(torch.tensor(new[] { 0.25f, 3f }));
        }
        using var x = torch.tensor(new[] { 1000.1f, 2f, 1004.3f, 4f, 1012.7f, 9f }, new long[] { 3, 2 });

        // When it normalises a training batch near 1000, where bfloat16 keeps steps of 4 (the mean is not one of them)
        using var y = bn.Call(x, training: true);

        // Then the statistics are float32 and see the bfloat16-rounded batch exactly (a bfloat16 mean would be a step of
        // 4 off), the output is bfloat16, and it is float32 arithmetic on the rounded input, rounded once
        var rounded = x.to(torch.bfloat16).to(torch.float32);
        var mean = rounded.mean(new long[] { 0 });
        var variance = (rounded - mean).square().mean(new long[] { 0 });
        var expected = ((rounded - mean) * (variance + 1e-3).rsqrt() * torch.tensor(new[] { 1.5f, -0.75f }) + torch.tensor(new[] { 0.25f, 3f })).to(torch.bfloat16);
        Assert.Equal(torch.ScalarType.BFloat16, y.dtype);
        Assert.Equal(torch.ScalarType.Float32, bn.MovingMean.dtype);
        Assert.True(bn.MovingMean.allclose(mean * 0.5f, rtol: 1e-6, atol: 1e-6), $"moving mean {Text(bn.MovingMean)}");
        Assert.True(y.to(torch.float32).allclose(expected.to(torch.float32), rtol: 1.0 / 128, atol: 1e-2), $"output {Text(y)} expected {Text(expected)}");
    }

    [Fact]
    public void MixedModel_ReturnsFloat32_AndAFloat32LastLayerComputesInFloat32()
    {
        // Given a mixed_bfloat16 model whose last layer is float32 (Keras's advice for the output layer)
        Sequential model;
        using (DtypePolicy.UseGlobal(DtypePolicy.MixedBFloat16))
            model = new Sequential(new Layer[] { new Dense(4, "relu"), new DtypeProbe { DtypePolicy = DtypePolicy.Float32 } }, inputShape: new long[] { 3 });
        using var mixedOnly = new Sequential(new Layer[] { new Dense(4, "relu") { DtypePolicy = DtypePolicy.MixedBFloat16 } }, inputShape: new long[] { 3 });

        // When they are called
        using var y = model.Call(torch.ones(2, 3));
        using var z = mixedOnly.Call(torch.ones(2, 3));

        // Then the float32 layer received float32 inputs, and both models hand over float32
        var probe = (DtypeProbe)model.Layers[1];
        Assert.Equal(torch.ScalarType.Float32, probe.SeenInput);
        Assert.Equal(torch.ScalarType.Float32, y.dtype);
        Assert.Equal(torch.ScalarType.Float32, z.dtype);
        model.Dispose();
    }

    [Fact]
    public void DtypePolicy_CannotChangeAfterBuild()
    {
        // Given a built float32 layer
        using var dense = new Dense(2, name: "d");
        dense.Build(new long[] { 3 });

        // When its policy is changed, then the error says to set it before building
        var error = Assert.Throws<InvalidOperationException>(() => dense.DtypePolicy = DtypePolicy.MixedFloat16);
        Assert.Contains("Layer 'd' (Dense) is already built with dtype policy 'float32'", error.Message);
    }

    [Fact]
    public void Summary_ShowsEachLayersPolicy_OnlyWhenOneIsNotFloat32()
    {
        // Given a mixed model with a float32 output layer, and a float32 model
        using var mixed = new Sequential(new Layer[]
        {
            new Dense(4, "relu") { DtypePolicy = DtypePolicy.MixedBFloat16 }, new Dense(1),
        }, inputShape: new long[] { 3 }, name: "m");
        using var plain = new Sequential(new Layer[] { new Dense(1) }, inputShape: new long[] { 3 });

        // When they are summarised
        string text = mixed.Summary();

        // Then the mixed one has a policy column with each layer's policy, the float32 one none
        var lines = text.Split('\n');
        Assert.Contains("Dtype policy", lines.Single(l => l.Contains("Layer (type)", StringComparison.Ordinal)));
        Assert.EndsWith("mixed_bfloat16", lines.Single(l => l.Contains("dense_0", StringComparison.Ordinal)).TrimEnd());
        Assert.EndsWith("float32", lines.Single(l => l.Contains("dense_1", StringComparison.Ordinal)).TrimEnd());
        Assert.DoesNotContain("Dtype policy", plain.Summary());
    }

    [Fact]
    public void SpectralNormalization_UnderMixedPolicy_ComputesInBfloat16_WithFloat32Kernel()
    {
        // Given a spectrally normalised Dense made under mixed_bfloat16
        SpectralNormalization layer;
        using (DtypePolicy.UseGlobal(DtypePolicy.MixedBFloat16)) layer = new SpectralNormalization(new Dense(3));
        layer.Build(new long[] { 4 });

        // When it is called in training
        using var y = layer.Call(torch.randn(2, 4), training: true);

        // Then it computes in bfloat16 and its variables stay float32
        Assert.Equal(torch.ScalarType.BFloat16, y.dtype);
        Assert.All(layer.TrainableVariables, v => Assert.Equal(torch.ScalarType.Float32, v.dtype));
        layer.Dispose();
    }

    private static bool Same(torch.Tensor a, torch.Tensor b) =>
        a.shape.SequenceEqual(b.shape) && a.to(torch.float32).eq(b.to(torch.float32)).all().item<bool>();

    private static string Text(torch.Tensor t) => string.Join(", ", t.detach().to(torch.float32).data<float>().ToArray());

    /// <summary>A one-weight layer that records the dtype of its input and of its weight as it reads it while computing.</summary>
    [Fact]
    public void Names_AreKerasNames_AndEachMakesItsPolicy()
    {
        Assert.Equal(new[] { "float32", "float64", "bfloat16", "mixed_bfloat16", "mixed_float16" }, DtypePolicy.Names);
        Assert.All(DtypePolicy.Names, name => Assert.Equal(name, DtypePolicy.FromName(name).Name));
        Assert.Equal((torch.ScalarType.Float64, torch.ScalarType.Float64), (DtypePolicy.Float64.VariableDtype, DtypePolicy.Float64.ComputeDtype));
    }

    [Fact]
    public void NullPolicies_AreRefused_NamingTheArgument()
    {
        using var dense = new Dense(2);

        Assert.Equal("name", Assert.Throws<ArgumentNullException>(() => DtypePolicy.FromName(null!)).ParamName);
        Assert.Equal("policy", Assert.Throws<ArgumentNullException>(() => DtypePolicy.UseGlobal(null!)).ParamName);
        Assert.Equal("value", Assert.Throws<ArgumentNullException>(() => dense.DtypePolicy = null!).ParamName);
        Assert.Equal("inputs", Assert.Throws<ArgumentNullException>(() => dense.AutocastInputs(null!)).ParamName);
        Assert.Equal("variable", Assert.Throws<ArgumentNullException>(() => dense.AutocastVariable(null!)).ParamName);
        Assert.Equal(DtypePolicy.Float32, dense.DtypePolicy);
    }

    [Fact]
    public void UseGlobal_RestoresOnlyOnce_WhenDisposedTwice()
    {
        var outer = DtypePolicy.UseGlobal(DtypePolicy.BFloat16);
        try
        {
            // Given an inner scope, ended, and the global policy set again afterwards
            var inner = DtypePolicy.UseGlobal(DtypePolicy.Float64);
            inner.Dispose();
            DtypePolicy.Global = DtypePolicy.MixedFloat16;

            // When the inner scope is disposed a second time
            inner.Dispose();

            // Then it restores nothing again
            Assert.Equal(DtypePolicy.MixedFloat16, DtypePolicy.Global);
        }
        finally
        {
            outer.Dispose();
        }
        Assert.Equal(DtypePolicy.Float32, DtypePolicy.Global);
    }

    [Theory]
    [InlineData("float32", torch.ScalarType.Float64, torch.ScalarType.Float64)]
    [InlineData("float32", torch.ScalarType.BFloat16, torch.ScalarType.Float32)]
    [InlineData("float32", torch.ScalarType.Float32, torch.ScalarType.Float32)]
    [InlineData("bfloat16", torch.ScalarType.Float32, torch.ScalarType.BFloat16)]
    [InlineData("float64", torch.ScalarType.Float16, torch.ScalarType.Float64)]
    public void LayerWithoutVariables_PassesFullPrecisionThrough_AndCastsHalfToItsPolicy(string policy, torch.ScalarType input, torch.ScalarType expected)
    {
        // Given a layer without variables under a full-precision or bfloat16 policy
        using var relu = new ReLU { DtypePolicy = DtypePolicy.FromName(policy) };
        using var x = torch.ones(new long[] { 2, 3 }, input);

        // When
        using var y = relu.Call(x);

        // Then a full-precision input keeps its dtype under a full-precision policy; 16-bit inputs take the policy's
        Assert.Equal(expected, y.dtype);
    }

    [Fact]
    public void LayerMovedToFloat64_CastsItsInputsToItsVariablesDtype()
    {
        // Given a float32-policy Dense moved to float64 (as a model moved with .to(float64))
        using var dense = new Dense(2, kernelInitializer: new Ones());
        dense.Build(new long[] { 3 });
        dense.to(torch.float64);

        // When it is called on float32 data
        using var y = dense.Call(torch.ones(1, 3));

        // Then it computes in float64
        Assert.Equal(torch.ScalarType.Float64, y.dtype);
        Assert.Equal(new double[] { 3, 3 }, y.data<double>().ToArray());
    }

    [Fact]
    public void LayerWhoseOnlyVariablesAreASublayers_DoesNotTakeTheirDtype()
    {
        // Given a wrapper without variables of its own around a Dense moved to float64
        using var wrapper = new Wrapper();
        wrapper.to(torch.float64);

        // When it is called on float32 data
        using var y = wrapper.Call(torch.ones(1, 3));

        // Then its own (no) variables decide: the float32 input is not cast
        Assert.Equal(torch.ScalarType.Float32, wrapper.SeenInput);
    }

    [Fact]
    public void Autocasting_EndsOncePerScope_EvenWhenAScopeIsDisposedTwice()
    {
        // Given a built mixed-precision Dense and two nested computing scopes
        using var dense = new Dense(2) { DtypePolicy = DtypePolicy.MixedBFloat16 };
        dense.Build(new long[] { 3 });
        var outer = dense.Autocasting();
        var inner = dense.Autocasting();

        // When the inner one is disposed twice
        inner.Dispose();
        inner.Dispose();

        // Then the layer still computes (its kernel reads as bfloat16) until the outer one ends
        Assert.Equal(torch.ScalarType.BFloat16, dense.Kernel.dtype);
        outer.Dispose();
        Assert.Equal(torch.ScalarType.Float32, dense.Kernel.dtype);
    }

    [Fact]
    public void SelfAndDescendants_StartsWithTheLayerItself()
    {
        using var model = new Sequential(new Layer[] { new Dense(3), new Dense(2) }, inputShape: new long[] { 2 });

        var layers = model.SelfAndDescendants().ToArray();

        Assert.Equal(3, layers.Length);
        Assert.Same(model, layers[0]);
        Assert.Same(model.Layers[1], layers[2]);
    }

    private sealed class DtypeProbe : Layer
    {
        public DtypeProbe() : base(null) { }

        public torch.ScalarType? SeenInput { get; private set; }

        public torch.ScalarType? SeenWeight { get; private set; }

        public override IReadOnlyList<long> ComputeOutputShape(IReadOnlyList<long> inputShape) => inputShape.ToArray();

        public override LayerConfig GetConfig() => throw new NotSupportedException();

        protected override void BuildWeights(IReadOnlyList<long> inputShape) => AddWeight("w", new[] { inputShape[^1] }, new Ones());

        protected override torch.Tensor CallCore(torch.Tensor inputs, bool training)
        {
            var weight = FindWeight("w")!;
            (SeenInput, SeenWeight) = (inputs.dtype, weight.dtype);
            return inputs * weight;
        }
    }

    /// <summary>A layer with no variables of its own around a Dense sublayer; records the dtype of the input it computes on.</summary>
    private sealed class Wrapper : Layer
    {
        private readonly Dense inner = new(2);

        public Wrapper() : base(null)
        {
            inner.Build(new long[] { 3 });
            register_module("inner", inner);
        }

        public torch.ScalarType? SeenInput { get; private set; }

        public override IReadOnlyList<long> ComputeOutputShape(IReadOnlyList<long> inputShape) => inputShape.ToArray();

        public override LayerConfig GetConfig() => throw new NotSupportedException();

        protected override torch.Tensor CallCore(torch.Tensor inputs, bool training)
        {
            SeenInput = inputs.dtype;
            return inputs.alias();
        }
    }
}
