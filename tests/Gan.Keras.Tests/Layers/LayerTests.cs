using Gan.Keras.Export.Onnx;
using Gan.Keras.Internal;
using Gan.Keras.Layers;
using Gan.Keras.Layers.Initializers;
using Gan.Keras.Models;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Layers;

/// <summary>The base <see cref="Layer"/>'s lifecycle: names, building, shapes, calls on tensors and symbolic tensors, weight lists, errors.</summary>
public class LayerTests
{
    private static OnnxExportContext NewOnnx() => new(new OnnxGraphBuilder("g"), new Dictionary<string, torch.Tensor>());

    private static IReadOnlyList<long>[] Shapes(params long[][] shapes) => shapes;

    /// <summary>Asserts the same tensor objects in the same order (the module's live variables, not copies).</summary>
    private static void AssertSame(IEnumerable<torch.Tensor> expected, IEnumerable<torch.Tensor> actual)
    {
        var (e, a) = (expected.ToArray(), actual.ToArray());
        Assert.Equal(e.Length, a.Length);
        for (int i = 0; i < e.Length; i++) Assert.Same(e[i], a[i]);
    }

    [Fact]
    public void Name_IsEmptyUntilAssigned_DisplayNameFallsBackToTheSnakeCaseType_AndConfigsStoreNull()
    {
        // Given an unnamed and a named layer
        using var unnamed = new LayerNormalization();
        using var named = new LayerNormalization(name: "norm");

        // When / Then the TorchSharp module is named after the layer, or "layer" while it has no name
        Assert.Equal(string.Empty, unnamed.Name);
        Assert.Equal("layer_normalization", unnamed.DisplayName);
        Assert.Equal("norm", named.DisplayName);
        Assert.Equal("layer", unnamed.GetName());
        Assert.Equal("norm", named.GetName());
        Assert.Null(unnamed.GetConfig().Name);
        Assert.Equal("norm", named.GetConfig().Name);
    }

    [Theory]
    [InlineData("dense.1")]
    [InlineData(" ")]
    public void Name_MustBeNonBlank_AndWithoutDots(string name)
    {
        var error = Assert.Throws<ArgumentException>(() => new Dense(2, name: name));
        using var unnamed = new Dense(2);
        var assigned = Assert.Throws<ArgumentException>(() => unnamed.AssignName(name));

        Assert.Equal("name", error.ParamName);
        Assert.Equal($"Layer name '{name}' is not valid: use a non-empty name without '.' (dots separate names in saved weights). (Parameter 'name')", error.Message);
        Assert.Equal(error.Message, assigned.Message);
        Assert.Equal(string.Empty, unnamed.Name);
    }

    [Fact]
    public void Shapes_AreNullBeforeBuild_AndSingleShapesRefuseSeveral()
    {
        // Given an unbuilt layer, a two-input merge and a layer with two outputs
        using var unbuilt = new Dense(2);
        using var add = new Add(name: "join");
        add.Build(Shapes(new long[] { 3 }, new long[] { 3 }));
        using var split = new Probe(outputs: 2, name: "split");
        split.Build(new long[] { 3 });

        // When / Then
        Assert.Null(unbuilt.InputShape);
        Assert.Null(unbuilt.InputShapes);
        Assert.Null(unbuilt.OutputShape);
        Assert.Null(unbuilt.OutputShapes);
        Assert.Equal("Layer 'join' (Add) has 2 inputs; use InputShapes.", Assert.Throws<InvalidOperationException>(() => add.InputShape).Message);
        Assert.Equal(new long[] { 3 }, add.OutputShape);
        Assert.Equal(new long[] { 3 }, split.InputShape);
        Assert.Equal("Layer 'split' (Probe) has 2 outputs; use OutputShapes.", Assert.Throws<InvalidOperationException>(() => split.OutputShape).Message);
        Assert.Equal(2, split.OutputShapes!.Count);
    }

    [Fact]
    public void Build_IsIdempotentForTheSameShape_AndRefusesAnother()
    {
        // Given a Dense built for 4 features
        using var dense = new Dense(3, name: "d");
        dense.Build(new long[] { 4 });
        var kernel = dense.Kernel;

        // When built again for 4, then for 5
        dense.Build(new long[] { 4 });
        var error = Assert.Throws<IncompatibleInputException>(() => dense.Build(new long[] { 5 }));

        // Then the weights are the same ones, and the other shape is refused with both shapes
        Assert.Same(kernel, dense.Kernel);
        Assert.Equal(2, dense.TrainableVariables.Count);
        Assert.Equal(15, dense.CountParams());
        Assert.Equal("Layer 'd' (Dense) was built for input shape (None, 4), but is now used with (None, 5). Create a new layer for the other shape (a shared layer needs the same shape at every call).", error.Message);
        Assert.Equal(new long[] { 4 }, error.Expected);
        Assert.Equal(new long[] { 5 }, error.Actual);
    }

    [Fact]
    public void Build_OfABuiltMerge_RefusesOneShapeDiffering()
    {
        // Given an Add built for two [3] inputs
        using var add = new Add(name: "join");
        add.Build(Shapes(new long[] { 3 }, new long[] { 3 }));

        // When the second shape differs
        var error = Assert.Throws<IncompatibleInputException>(() => add.Build(Shapes(new long[] { 3 }, new long[] { 1 })));

        // Then
        Assert.Contains("was built for input shape ((None, 3), (None, 3)), but is now used with ((None, 3), (None, 1))", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NullArguments_AreRefused_NamingTheArgument()
    {
        using var dense = new Dense(2);
        dense.Build(new long[] { 3 });
        using var probe = new Probe();

        Assert.Equal("inputShape", Assert.Throws<ArgumentNullException>(() => dense.Build((IReadOnlyList<long>)null!)).ParamName);
        Assert.Equal("inputShapes", Assert.Throws<ArgumentNullException>(() => dense.Build((IReadOnlyList<IReadOnlyList<long>>)null!)).ParamName);
        Assert.Equal("inputs", Assert.Throws<ArgumentNullException>(() => dense.Call((torch.Tensor)null!)).ParamName);
        Assert.Equal("inputs", Assert.Throws<ArgumentNullException>(() => dense.Call((IReadOnlyList<torch.Tensor>)null!)).ParamName);
        Assert.Equal("inputs", Assert.Throws<ArgumentNullException>(() => dense.CallOutputs((IReadOnlyList<torch.Tensor>)null!)).ParamName);
        Assert.Equal("input", Assert.Throws<ArgumentNullException>(() => dense.Call((KerasTensor)null!)).ParamName);
        Assert.Equal("inputs", Assert.Throws<ArgumentNullException>(() => dense.CallOutputs((KerasTensor[])null!)).ParamName);
        Assert.Equal("inputShapes", Assert.Throws<ArgumentNullException>(() => dense.ComputeOutputShape((IReadOnlyList<IReadOnlyList<long>>)null!)).ParamName);
        Assert.Equal("inputs", Assert.Throws<ArgumentNullException>(() => probe.EnsureBuilt(null!)).ParamName);
        Assert.Equal("inputShapes", Assert.Throws<ArgumentNullException>(() => probe.BaseValidate(null!)).ParamName);
        Assert.Equal("inputShapes", Assert.Throws<ArgumentNullException>(() => probe.BaseBuildWeights(null!)).ParamName);
        Assert.Equal("onnx", Assert.Throws<ArgumentNullException>(() => probe.ExportOnnx(null!, "x")).ParamName);
        Assert.Equal("onnx", Assert.Throws<ArgumentNullException>(() => probe.ExportOnnx(null!, new[] { "x" })).ParamName);
        Assert.Equal("onnx", Assert.Throws<ArgumentNullException>(() => probe.ExportOnnx(null!, new[] { "x", "y" })).ParamName);
        Assert.Equal("inputs", Assert.Throws<ArgumentNullException>(() => probe.ExportOnnx(NewOnnx(), (IReadOnlyList<string>)null!)).ParamName);
    }

    [Fact]
    public void SingleInputLayer_RefusesSeveralInputs_InEveryEntryPoint()
    {
        // Given a Dense
        using var dense = new Dense(2, name: "d");
        var two = Shapes(new long[] { 3 }, new long[] { 3 });

        // When / Then calling, building or computing shapes with two inputs names the count and the fix
        var call = Assert.Throws<IncompatibleInputException>(() => dense.Call(new[] { torch.zeros(2, 3), torch.zeros(2, 3) }));
        var build = Assert.Throws<IncompatibleInputException>(() => dense.Build(two));
        var shape = Assert.Throws<IncompatibleInputException>(() => dense.ComputeOutputShape(two));
        Assert.Equal("Layer 'd' (Dense) takes one input, but received 2. Join them first (Concatenate, Add) or call it on each.", call.Message);
        Assert.Equal("Layer 'd' (Dense) takes one input, but received 2: ((None, 3), (None, 3)). Join them first (Concatenate, Add) or call it on each.", build.Message);
        Assert.Equal("Layer 'd' (Dense) takes one input, but received 2: ((None, 3), (None, 3)). Join them first (Concatenate, Add).", shape.Message);
        Assert.False(dense.Built);
    }

    [Fact]
    public void CallOutputs_OnTensors_CallsTheOneInputOrTheList()
    {
        // Given
        using var relu = new ReLU();
        using var add = new Add(name: "join");

        // When
        var one = relu.CallOutputs(new[] { torch.tensor(new float[] { -1, 2 }).reshape(1, 2) });
        var sum = add.CallOutputs(new[] { torch.ones(1, 2), torch.ones(1, 2) });
        var error = Assert.Throws<IncompatibleInputException>(() => add.CallOutputs(new[] { torch.ones(1, 2) }));

        // Then
        Assert.Equal(new float[] { 0, 2 }, Assert.Single(one).data<float>().ToArray());
        Assert.Equal(new float[] { 2, 2 }, Assert.Single(sum).data<float>().ToArray());
        Assert.Contains("merges several inputs: call it on a list", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Call_RefusesAScalar_ANullInTheList_AndDifferentBatchSizes()
    {
        using var dense = new Dense(2, name: "d");
        using var add = new Add(name: "join");

        var scalar = Assert.Throws<IncompatibleInputException>(() => dense.Call(torch.tensor(1f)));
        var nullInList = Assert.Throws<ArgumentNullException>(() => add.Call(new[] { torch.zeros(2, 3), null! }));
        var batches = Assert.Throws<IncompatibleInputException>(() => add.Call(new[] { torch.zeros(2, 3), torch.zeros(3, 3) }));
        var scalarInList = Assert.Throws<IncompatibleInputException>(() => add.Call(new[] { torch.zeros(2, 3), torch.tensor(1f) }));

        Assert.Equal("Layer 'd' (Dense) received a scalar; inputs need a batch dimension first.", scalar.Message);
        Assert.Contains("Layer 'join' received a null tensor.", nullInList.Message, StringComparison.Ordinal);
        Assert.Equal("Layer 'join' (Add) received inputs of shapes [2, 3], [3, 3]; every input needs the same batch size as its first dimension.", batches.Message);
        Assert.Equal(new long[] { 2 }, batches.Expected);
        Assert.Equal(new long[] { 2, 3 }, batches.Actual);
        Assert.Equal(new long[] { 2, 0 }, scalarInList.Actual);
        Assert.False(add.Built);
    }

    [Fact]
    public void Call_RefusesAnotherShape_AfterBuild_ShowingBothShapes()
    {
        // Given a layer without its own fix, built for [3]
        using var relu = new Activation("relu", name: "act");
        relu.Call(torch.zeros(2, 3));

        // When
        var error = Assert.Throws<IncompatibleInputException>(() => relu.Call(torch.zeros(2, 4)));

        // Then
        Assert.Equal("Layer 'act' (Activation) was built for input shape (None, 3), but received shape [2, 4].", error.Message);
    }

    [Fact]
    public void Call_OnOneTensor_RefusesALayerBuiltForTwo()
    {
        // Given a custom layer built for two inputs
        using var pair = new Probe(inputs: 2, name: "pair");
        pair.Build(Shapes(new long[] { 3 }, new long[] { 3 }));

        // When
        var error = Assert.Throws<IncompatibleInputException>(() => pair.Call(torch.zeros(2, 3)));

        // Then
        Assert.Equal("Layer 'pair' (Probe) takes 2 inputs, but received one of shape [2, 3].", error.Message);
    }

    [Fact]
    public void SymbolicCall_RecordsANodePerCall_WithItsInputsAndOutputs()
    {
        // Given an input and a layer called on it twice (a shared layer)
        var x = Keras.Input([3], name: "x");
        using var dense = new Dense(3, name: "shared");

        // When
        var once = dense.Call(x);
        var twice = dense.Call(once);

        // Then each call is a node with its index, its inputs and its outputs
        Assert.Equal(2, dense.InboundNodes.Count);
        Assert.Same(dense, dense.InboundNodes[1].Layer);
        Assert.Equal(new[] { 0, 1 }, dense.InboundNodes.Select(n => n.Index));
        Assert.Same(x, Assert.Single(dense.InboundNodes[0].Inputs));
        Assert.Same(once, Assert.Single(dense.InboundNodes[0].Outputs));
        Assert.Same(twice.Node, dense.InboundNodes[1]);
        Assert.Same(once, Assert.Single(twice.Node.Inputs));
        Assert.Equal("shared[1][0]", twice.Reference);
        Assert.Equal(new long[] { 3 }, dense.InputShape);
    }

    [Fact]
    public void SymbolicCall_RefusesANullTensor_AndAShapeTheLayerWasNotBuiltFor()
    {
        var x = Keras.Input([3]);
        var wider = Keras.Input([4]);
        using var dense = new Dense(2, name: "d");
        dense.Call(x);

        var nullTensor = Assert.Throws<ArgumentNullException>(() => dense.CallOutputs(x, null!));
        var other = Assert.Throws<IncompatibleInputException>(() => dense.Call(wider));

        Assert.Equal("inputs", nullTensor.ParamName);
        Assert.Contains("Layer 'd' was called on a null tensor.", nullTensor.Message, StringComparison.Ordinal);
        Assert.Contains("was built for input shape (None, 3), but is now used with (None, 4)", other.Message, StringComparison.Ordinal);
        Assert.Single(dense.InboundNodes);
    }

    [Fact]
    public void SymbolicOutput_TakesAFloatingInputsDtype_ElseFloat32()
    {
        // Given a float64 input, int64 labels, and a layer called on nothing
        var x = Keras.Input([3], torch.float64);
        var labels = Keras.Input([1], torch.int64);
        using var source = new Probe(inputs: 0);

        // When
        var dense = new Dense(2).Call(x);
        var embedded = new Embedding(4, 2).Call(labels);
        var made = Assert.Single(source.CallOutputs());

        // Then
        Assert.Equal(torch.ScalarType.Float64, dense.DType);
        Assert.Equal(torch.ScalarType.Float32, embedded.DType);
        Assert.Equal(new long[] { 1, 2 }, embedded.Shape);
        Assert.Equal(torch.ScalarType.Float32, made.DType);
    }

    [Fact]
    public void SymbolicCall_OnALayerWithTwoOutputs_PointsToCallOutputs()
    {
        // Given
        var x = Keras.Input([3]);
        using var split = new Probe(outputs: 2, name: "split");

        // When
        var error = Assert.Throws<InvalidOperationException>(() => split.Call(x));
        var both = split.CallOutputs(x);

        // Then
        Assert.Equal("Layer 'split' (Probe) has 2 outputs; call CallOutputs(...) to get them all.", error.Message);
        Assert.Equal(new[] { 0, 1 }, both.Select(t => t.Index));
    }

    [Fact]
    public void Variables_OfATrainableAndAFrozenLayer()
    {
        // Given a batch normalisation, trainable, then frozen
        using var bn = new BatchNormalization();
        bn.Build(new long[] { 3 });
        var (gamma, beta) = (bn.TrainableVariables[0], bn.TrainableVariables[1]);

        // When / Then trainable: γ, β train; the statistics do not
        Assert.Equal(new[] { "gamma", "beta" }, bn.named_parameters().Select(p => p.name));
        AssertSame(new[] { bn.MovingMean, bn.MovingVariance }, bn.NonTrainableVariables);

        // When / Then frozen: nothing trains, everything is kept, trainable weights first
        bn.Trainable = false;
        Assert.Empty(bn.TrainableVariables);
        AssertSame(new[] { gamma, beta, bn.MovingMean, bn.MovingVariance }, bn.NonTrainableVariables);
    }

    [Fact]
    public void Variables_OfAModel_CollectTheSublayers_FollowingEachOnesFlag()
    {
        // Given a model of a Dense and a batch normalisation
        using var model = new Sequential(new Layer[] { new Dense(3), new BatchNormalization() }, inputShape: new long[] { 2 });
        var dense = (Dense)model.Layers[0];
        var bn = (BatchNormalization)model.Layers[1];
        var statistics = new torch.Tensor[] { bn.MovingMean, bn.MovingVariance };
        var all = new torch.Tensor[] { dense.Kernel, dense.Bias!, bn.TrainableVariables[0], bn.TrainableVariables[1] };

        // When / Then trainable
        AssertSame(all, model.TrainableVariables);
        AssertSame(statistics, model.NonTrainableVariables);

        // When / Then only the batch normalisation is frozen
        bn.Trainable = false;
        AssertSame(all.Take(2), model.TrainableVariables);
        AssertSame(all.Skip(2).Concat(statistics), model.NonTrainableVariables);

        // When / Then only the model's own flag is off (as a compiled model restores it): every sublayer weight is kept, not trained
        bn.Trainable = true;
        model.OwnTrainable = false;
        Assert.Empty(model.TrainableVariables);
        AssertSame(all.Concat(statistics), model.NonTrainableVariables);
    }

    [Fact]
    public void MixesBatch_WhenAnySublayerNormalisesOverTheBatch()
    {
        using var plain = new Sequential(new Layer[] { new Dense(3), new Dense(2) }, inputShape: new long[] { 2 });
        using var mixed = new Sequential(new Layer[] { new Dense(3), new BatchNormalization() }, inputShape: new long[] { 2 });

        Assert.False(plain.MixesBatch);
        Assert.True(mixed.MixesBatch);
        Assert.True(new BatchNormalization().MixesBatch);
        Assert.False(new Dense(2).MixesBatch);
    }

    [Fact]
    public void AddWeight_ChecksItsArguments_UsesTheGivenFans_AndRespectsTheWeightBudget()
    {
        using var probe = new Probe();

        // Null or empty name, null initializer
        Assert.Equal("name", Assert.Throws<ArgumentNullException>(() => probe.Weight(null!, [2], new Zeros())).ParamName);
        var empty = Assert.Throws<ArgumentException>(() => probe.Weight(string.Empty, [2], new Zeros()));
        Assert.Equal("name", empty.ParamName);
        Assert.Contains("empty string", empty.Message, StringComparison.Ordinal);
        Assert.Empty(probe.named_parameters());
        Assert.Equal("initializer", Assert.Throws<ArgumentNullException>(() => probe.Weight("w", [2], null!)).ParamName);

        // Given fans of 1000 and 1000, Glorot's limit is √(6/2000) ≈ 0.055 (the shape's own fans would give √(6/20) ≈ 0.55)
        var kernel = probe.Weight("kernel", [10, 10], new GlorotUniform(seed: 3), fans: (1000, 1000));
        Assert.True(kernel.abs().max().item<float>() <= Math.Sqrt(6.0 / 2000));

        // A rebuilt saved model may not create more values than its file holds
        using (WeightBudget.Limit(5))
        {
            var error = Assert.Throws<InvalidDataException>(() => new Dense(3, name: "big").Build(new long[] { 4 }));
            Assert.Contains("layer 'big' (Dense) would create weight 'kernel' [4, 3]", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ExportOnnx_RefusesALayerWithoutAConversion_AndSeveralInputs()
    {
        // Given a custom layer without an ONNX conversion
        using var probe = new Probe(name: "custom");
        var one = NewOnnx();
        var two = NewOnnx();

        // When
        probe.ExportOnnx(one, new[] { "x" });
        probe.ExportOnnx(two, new[] { "x", "y" });

        // Then
        Assert.Equal("has no ONNX conversion (a custom layer can override Layer.ExportOnnx)", Assert.Single(one.Refusals).Reason);
        Assert.Equal("takes one input but is called on 2 in the graph", Assert.Single(two.Refusals).Reason);
    }

    [Fact]
    public void Call_DisposesTheInputItCastForTheLayer()
    {
        // Given a float32 layer that casts bfloat16 inputs up
        using var relu = new ReLU();
        using var x = torch.ones(new long[] { 2, 3 }, torch.bfloat16);
        relu.Call(x).Dispose();
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        // When called many times
        for (int i = 0; i < 20; i++) relu.Call(x).Dispose();

        // Then no tensor is left behind
        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    /// <summary>A custom layer (Layer is an extension point) with a chosen number of inputs and outputs, exposing the protected helpers.</summary>
    private sealed class Probe(int inputs = 1, int outputs = 1, string? name = null) : Layer(name)
    {
        private readonly int inputCount = inputs;
        private readonly int outputCount = outputs;

        public override IReadOnlyList<long> ComputeOutputShape(IReadOnlyList<long> inputShape) => inputShape.ToArray();

        public override IReadOnlyList<IReadOnlyList<long>> ComputeOutputShapes(IReadOnlyList<IReadOnlyList<long>> inputShapes) =>
            Enumerable.Repeat(inputShapes.Count > 0 ? inputShapes[0] : new long[] { 2 }, outputCount).ToArray();

        public override LayerConfig GetConfig() => throw new NotSupportedException();

        public torch.Tensor Weight(string name, long[] shape, Initializer initializer, (long, long)? fans = null) => AddWeight(name, shape, initializer, fans: fans);

        public void EnsureBuilt(IReadOnlyList<torch.Tensor> tensors) => EnsureBuiltFor(tensors);

        public void BaseValidate(IReadOnlyList<IReadOnlyList<long>> shapes) => base.ValidateInputShapes(shapes);

        public void BaseBuildWeights(IReadOnlyList<IReadOnlyList<long>> shapes) => base.BuildWeights(shapes);

        protected override void ValidateInputShapes(IReadOnlyList<IReadOnlyList<long>> inputShapes)
        {
            if (inputCount == 1) base.ValidateInputShapes(inputShapes);
        }

        protected override torch.Tensor CallCore(torch.Tensor x, bool training) => x * 2;
    }
}
