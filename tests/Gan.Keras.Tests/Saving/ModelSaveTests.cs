using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using Gan.Keras.Layers;
using Gan.Keras.Models;
using Gan.Keras.Saving;
using Gan.Keras.Tests.Models;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Saving;

public class ModelSaveTests
{
    [Fact]
    public void SaveLoad_Sequential_RoundTripsWeightsBitwiseAndOutputs()
    {
        // Given a trained-looking Sequential (weights and moving statistics moved off their initial values), one layer frozen
        torch.manual_seed(3);
        using var model = new Sequential(new Layer[]
        {
            new Dense(16, "relu", name: "hidden"), new BatchNormalization(momentum: 0.8), new Dropout(0.3), new Dense(4, "tanh", useBias: false, name: "out"),
        }, inputShape: [6], name: "generator");
        Perturb(model);
        model.Layers[0].Trainable = false;
        string path = Path.Combine(TestPaths.NewTempFolder(), "generator.keras");

        // When it is saved and loaded
        model.Save(path);
        using var loaded = Model.Load(path);

        // Then it is a Sequential of the same layers, weights and outputs
        var copy = Assert.IsType<Sequential>(loaded);
        Assert.Equal("generator", copy.Name);
        Assert.Equal(model.Layers.Select(l => l.GetConfig()), copy.Layers.Select(l => l.GetConfig()));
        Assert.Equal(new[] { false, true, true, true }, copy.Layers.Select(l => l.Trainable));
        Assert.Equal(new long[] { 6 }, copy.InputShape);
        TensorAssert.BitwiseEqual(model.state_dict(), copy.state_dict());
        AssertSameOutputs(model, copy, torch.randn(5, 6));
    }

    [Fact]
    public void SaveLoad_FunctionalWithSeveralInputsAndOutputsAndASharedLayer_RoundTrips()
    {
        // Given two inputs, a Dense shared by both (one set of weights, two calls) and two outputs
        torch.manual_seed(4);
        var a = Keras.Input([4], name: "a");
        var b = Keras.Input([4], name: "b");
        var shared = new Dense(3, name: "shared");
        var sum = new Add().Call(shared.Call(a), shared.Call(b));
        var head = new Dense(2, "tanh", name: "head").Call(sum);
        using var model = new Functional([a, b], [sum, head], name: "two_heads");
        Perturb(model);
        string path = Path.Combine(TestPaths.NewTempFolder(), "two_heads.keras");

        // When
        model.Save(path);
        using var loaded = Assert.IsType<Functional>(Model.Load(path));

        // Then the graph is the same: inputs, outputs, the shared layer called twice, the same values
        Assert.Equal(new[] { "a", "b" }, loaded.Inputs.Select(t => t.Layer.Name));
        Assert.Equal(2, loaded.Outputs.Count);
        Assert.Equal(2, loaded.Layers.Single(l => l.Name == "shared").InboundNodes.Count);
        Assert.Equal(model.GetConfig(), loaded.GetConfig());
        TensorAssert.BitwiseEqual(model.state_dict(), loaded.state_dict());
        var x = new[] { torch.randn(5, 4), torch.randn(5, 4) };
        var expected = model.CallOutputs(x);
        var actual = loaded.CallOutputs(x);
        for (int i = 0; i < 2; i++) Assert.True(torch.allclose(expected[i], actual[i], 0, 0), $"output {i} differs");
    }

    [Fact]
    public void SaveLoad_NestedModelWithIntegerInput_RoundTrips()
    {
        // Given the Keras-GAN AC-GAN generator: labels (int64) embedded, a nested Sequential body with batch normalisation
        torch.manual_seed(5);
        using var model = FunctionalTests.AcganGenerator(latentDim: 8, classes: 3);
        Perturb(model);
        string path = Path.Combine(TestPaths.NewTempFolder(), "acgan.keras");

        // When
        model.Save(path);
        using var loaded = Assert.IsType<Functional>(Model.Load(path));

        // Then the nested model is a Sequential again, the label input int64, and the outputs equal
        Assert.IsType<Sequential>(loaded.Layers.Single(l => l.Name == "body"));
        Assert.Equal(torch.ScalarType.Int64, loaded.Inputs[1].DType);
        TensorAssert.BitwiseEqual(model.state_dict(), loaded.state_dict());
        var inputs = new[] { torch.randn(3, 8), torch.tensor(new long[] { 0, 2, 1 }).reshape(3, 1) };
        Assert.True(torch.allclose(model.Call(inputs), loaded.Call(inputs), 0, 0));
    }

    [Fact]
    public void SaveLoad_EveryBuiltInLayer_RoundTripsItsConfigWeightsAndOutputs()
    {
        // Given one graph holding every built-in layer type, with non-default arguments and moved statistics
        torch.manual_seed(6);
        using var model = EveryLayer();
        var inputs = new[] { torch.randn(2, 3, 8, 8), torch.tensor(new long[] { 4, 1 }).reshape(2, 1) };
        using (torch.no_grad()) model.CallOutputs(inputs, training: true);
        Perturb(model);
        var types = model.SelfAndDescendants().Select(l => l.GetType().Name).ToHashSet();
        Assert.Empty(SerializableLayers.BuiltInNames.Except(types));
        string path = Path.Combine(TestPaths.NewTempFolder(), "every.keras");

        // When
        model.Save(path);
        using var loaded = Assert.IsType<Functional>(Model.Load(path));

        // Then every layer's configuration, every weight and both outputs are the same
        Assert.Equal(model.Layers.Select(l => l.GetConfig()), loaded.Layers.Select(l => l.GetConfig()));
        Assert.Equal(model.Layers.Select(l => l.DtypePolicy.Name), loaded.Layers.Select(l => l.DtypePolicy.Name));
        TensorAssert.BitwiseEqual(model.state_dict(), loaded.state_dict());
        var expected = model.CallOutputs(inputs);
        var actual = loaded.CallOutputs(inputs);
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++) Assert.True(torch.allclose(expected[i], actual[i], 0, 0), $"output {i} differs");
    }

    [Fact]
    public void Save_WritesKerasConfigShape()
    {
        // Given a functional model with a kernel-size tuple and a two-input merge
        var x = Keras.Input([1, 6, 6], name: "image");
        var y = new Conv2D(2, (3, 1), padding: "same", name: "conv").Call(x);
        var z = new Add(name: "sum").Call(y, y);
        using var model = new Functional(x, z, name: "net");
        string path = Path.Combine(TestPaths.NewTempFolder(), "net.keras");

        // When it is saved
        model.Save(path);

        // Then config.json is Keras 3's functional config: class_name/config/build_config, inbound nodes of __keras_tensor__s
        using var zip = ZipFile.OpenRead(path);
        Assert.Equal(new[] { "metadata.json", "config.json", "model.weights.safetensors" }, zip.Entries.Select(e => e.FullName));
        var config = JsonNode.Parse(zip.GetEntry("config.json")!.Open())!;
        Assert.Equal("Functional", (string?)config["class_name"]);
        var layers = config["config"]!["layers"]!.AsArray();
        var conv = layers.Single(l => (string?)l!["name"] == "conv")!;
        Assert.Equal("keras.layers", (string?)conv["module"]);
        Assert.Equal("Conv2D", (string?)conv["class_name"]);
        Assert.Equal("[3,1]", conv["config"]!["kernel_size"]!.ToJsonString());
        Assert.True((bool)conv["config"]!["use_bias"]!);
        Assert.Equal("float32", (string?)conv["config"]!["dtype"]!["config"]!["name"]);
        Assert.Equal("[null,1,6,6]", conv["build_config"]!["input_shape"]!.ToJsonString());
        Assert.Equal("""[{"args":[{"class_name":"__keras_tensor__","config":{"shape":[null,1,6,6],"dtype":"float32","keras_history":["image",0,0]}}],"kwargs":{}}]""",
            conv["inbound_nodes"]!.ToJsonString());
        var sum = layers.Single(l => (string?)l!["name"] == "sum")!;
        Assert.Equal(2, sum["inbound_nodes"]![0]!["args"]![0]!.AsArray().Count);
        Assert.Equal("""[["image",0,0]]""", config["config"]!["input_layers"]!.ToJsonString());
        Assert.Equal("""[["sum",0,0]]""", config["config"]!["output_layers"]!.ToJsonString());
        var metadata = JsonNode.Parse(zip.GetEntry("metadata.json")!.Open())!;
        Assert.Equal("gan-keras.model.v1", (string?)metadata["format"]);
        Assert.Equal("float32", (string?)metadata["dtype_policy"]);
    }

    [Fact]
    public void SaveLoad_KeepsEachLayersDtypePolicy()
    {
        // Given a model whose second layer runs in float64
        torch.manual_seed(7);
        using var model = new Sequential(new Layer[] { new Dense(3), new Dense(2) { DtypePolicy = DtypePolicy.Float64 } }, inputShape: [4]);
        string path = Path.Combine(TestPaths.NewTempFolder(), "mixed.keras");

        // When
        model.Save(path);
        using var loaded = Model.Load(path);

        // Then the layer is float64 again, with its float64 weights
        Assert.Equal(new[] { "float32", "float64" }, loaded.Layers.Select(l => l.DtypePolicy.Name));
        Assert.Equal(torch.ScalarType.Float64, loaded.Layers[1].TrainableVariables[0].dtype);
        TensorAssert.BitwiseEqual(model.state_dict(), loaded.state_dict());
    }

    [Fact]
    public void SaveLoad_RegisteredCustomLayer_RoundTrips()
    {
        // Given a custom layer registered under a package, with a tuple in its configuration
        SerializableLayers.Register<Scale, ScaleConfig>("Tests");
        torch.manual_seed(8);
        using var model = new Sequential(new Layer[] { new Dense(3), new Scale(2.5, (1, 2)) }, inputShape: [4]);
        Perturb(model);
        string path = Path.Combine(TestPaths.NewTempFolder(), "custom.keras");

        // When
        model.Save(path);
        using var loaded = Model.Load(path);

        // Then it is rebuilt from its registered name with its arguments and weight
        var scale = Assert.IsType<Scale>(loaded.Layers[1]);
        Assert.Equal(new ScaleConfig(2.5, (1, 2), "scale_0"), scale.GetConfig());
        Assert.True(SerializableLayers.IsRegistered("Tests>Scale"));
        TensorAssert.BitwiseEqual(model.state_dict(), loaded.state_dict());
        var x = torch.randn(2, 4);
        Assert.True(torch.allclose(model.Call(x), loaded.Call(x), 0, 0));
    }

    [Fact]
    public void Load_NamesTheUnknownTypeAndHowToRegisterIt()
    {
        // Given a saved model whose custom layer's registered name is not registered in this program
        SerializableLayers.Register<Scale, ScaleConfig>("Tests");
        using var model = new Sequential(new Layer[] { new Scale(1.5, (0, 0)) }, inputShape: [2]);
        string path = Path.Combine(TestPaths.NewTempFolder(), "unknown.keras");
        model.Save(path);
        EditConfig(path, json => json.Replace("Tests>Scale", "Other>Scale", StringComparison.Ordinal));

        // When it is loaded
        var error = Assert.Throws<InvalidDataException>(() => Model.Load(path));

        // Then the one-line error names the file, the layer, the type and the registration call
        Assert.Equal(
            $"'{path}': cannot rebuild layer 'scale_0' (Other>Scale): 'Other>Scale' is not registered; register the custom layer before loading: SerializableLayers.Register<Scale, ScaleConfig>(\"Other\") (Keras's register_keras_serializable).",
            error.Message);
    }

    [Fact]
    public void Load_RefusesABadValueNamingTheLayerAndKey()
    {
        // Given a saved Dense whose 'units' was edited into a string
        using var model = new Sequential(new Layer[] { new Dense(3, name: "d") }, inputShape: [2]);
        string path = Path.Combine(TestPaths.NewTempFolder(), "edited.keras");
        model.Save(path);
        EditConfig(path, json => json.Replace("\"units\": 3", "\"units\": \"three\"", StringComparison.Ordinal));

        // When / Then
        var error = Assert.Throws<InvalidDataException>(() => Model.Load(path));
        Assert.Equal($"'{path}': cannot rebuild layer 'd' (Dense): its config 'units' is string \"three\", but must be an integer.", error.Message);
    }

    [Fact]
    public void Load_RefusesWeightsThatDoNotFitTheArchitecture()
    {
        // Given a saved Dense(3) whose config was edited to Dense(2)
        using var model = new Sequential(new Layer[] { new Dense(3, name: "d") }, inputShape: [2]);
        string path = Path.Combine(TestPaths.NewTempFolder(), "resized.keras");
        model.Save(path);
        EditConfig(path, json => json.Replace("\"units\": 3", "\"units\": 2", StringComparison.Ordinal));

        // When / Then every mismatch is listed on one line
        var error = Assert.Throws<InvalidDataException>(() => Model.Load(path));
        Assert.Equal($"'{path}': the saved weights do not match the saved architecture (2 mismatches): 'd.kernel': saved [2, 3], model has [2, 2]; 'd.bias': saved [3], model has [2].", error.Message);
    }

    [Fact]
    public void Load_RefusesAConfigAskingForMoreWeightsThanTheFileSaves_BeforeAllocatingThem()
    {
        // Given a saved Dense(3) whose config was edited to 2,147,483,647 units (8 GiB of kernel)
        using var model = new Sequential(new Layer[] { new Dense(3, name: "d") }, inputShape: [2]);
        string path = Path.Combine(TestPaths.NewTempFolder(), "huge.keras");
        model.Save(path);
        EditConfig(path, json => json.Replace("\"units\": 3", "\"units\": 2147483647", StringComparison.Ordinal));

        // When / Then it is refused by the weight budget, not by running out of memory
        var error = Assert.Throws<InvalidDataException>(() => Model.Load(path));
        Assert.Equal($"'{path}': cannot rebuild layer 'sequential' (Sequential): layer 'd' (Dense) would create weight 'kernel' [2, 2147483647], more values than the 9 the file saves: its configuration does not fit its weights.", error.Message);
    }

    [Fact]
    public void Save_RefusesALambdaAndASubclassedModel_WritingNothing()
    {
        // Given a Sequential with a Lambda, and a subclassed model
        using var lambda = new Sequential(new Layer[] { new Lambda(x => x * 2, name: "double") }, inputShape: [2]);
        using var subclassed = new Doubling();
        string folder = TestPaths.NewTempFolder();

        // When each is saved
        var lambdaError = Assert.Throws<NotSupportedException>(() => lambda.Save(Path.Combine(folder, "lambda.keras")));
        var modelError = Assert.Throws<NotSupportedException>(() => subclassed.Save(Path.Combine(folder, "model.keras")));

        // Then each error names what cannot be saved and the fix, and no file was written
        Assert.StartsWith("Layer 'double' (Lambda) cannot be saved: its function is C# code", lambdaError.Message);
        Assert.Contains("SerializableLayers.Register", lambdaError.Message);
        Assert.Equal("Model 'doubling' (Doubling) is a subclassed Model whose Call is C# code, which a saved file cannot hold; build it as a Functional or Sequential model, or save only its weights.", modelError.Message);
        Assert.Empty(Directory.GetFileSystemEntries(folder));
    }

    [Fact]
    public void Save_IsDeterministic()
    {
        // Given a model saved twice
        using var model = new Sequential(new Layer[] { new Dense(3) }, inputShape: [2]);
        string folder = TestPaths.NewTempFolder();
        model.Save(Path.Combine(folder, "a.keras"));
        model.Save(Path.Combine(folder, "b.keras"));

        // Then the files are the same bytes
        Assert.Equal(File.ReadAllBytes(Path.Combine(folder, "a.keras")), File.ReadAllBytes(Path.Combine(folder, "b.keras")));
    }

    /// <summary>A graph with every built-in layer type: an image path, a label path, merges, and two outputs.</summary>
    internal static Functional EveryLayer()
    {
        var image = Keras.Input([3, 8, 8], name: "image");
        var label = Keras.Input([1], torch.int64, name: "label");
        var x = new Rescaling(0.5, 0.1).Call(image);
        x = new RandomFlip("horizontal", seed: 1).Call(x);
        x = new RandomRotation(0.1, seed: 2).Call(x);
        x = new RandomTranslation(0.1, 0.2, seed: 3).Call(x);
        x = new RandomZoom(0.1, 0.2, seed: 4).Call(x);
        x = new ZeroPadding2D((1, 2), (0, 1)).Call(x);
        x = new Cropping2D((1, 2), (0, 1)).Call(x);
        x = new SpectralNormalization(new Conv2D(4, 3, padding: "same"), powerIterations: 2).Call(x);
        x = new BatchNormalization(momentum: 0.8, epsilon: 1e-4).Call(x);
        x = new GroupNormalization(groups: 2).Call(x);
        x = new LeakyReLU(0.2).Call(x);
        x = new Conv2DTranspose(4, 3, strides: 2, padding: "same", activation: "relu").Call(x);
        x = new MaxPooling2D(2).Call(x);
        x = new AveragePooling2D(2).Call(x);
        x = new UpSampling2D(2).Call(x);
        x = new Resizing(6, 6).Call(x);
        x = new GaussianNoise(0.1, seed: 5).Call(x);
        x = new Dropout(0.2).Call(x);
        var mean = new GlobalAveragePooling2D().Call(x);
        var max = new GlobalMaxPooling2D().Call(x);
        var embedded = new Flatten().Call(new Embedding(5, 4).Call(label));
        var flat = new Dense(8, "relu").Call(new Flatten().Call(x));
        var normed = new Flatten().Call(new LayerNormalization(epsilon: 1e-5).Call(new Reshape([2, 4]).Call(flat)));
        var merged = new Concatenate(axis: 1).Call(
            new Add().Call(mean, max), new Subtract().Call(mean, max), new Multiply().Call(mean, embedded),
            new Average().Call(mean, max), new Maximum().Call(mean, embedded), new Minimum().Call(max, embedded), normed);
        var score = new Activation("tanh").Call(new Dense(2).Call(new ReLU().Call(merged)));
        var similarity = new Dot(axes: 1, normalize: true).Call(mean, max);
        return new Functional([image, label], [score, similarity], name: "every_layer");
    }

    /// <summary>Moves every weight and buffer off its initial value (non-zero biases, moved statistics), so a dropped one is noticed.</summary>
    internal static void Perturb(Layer model)
    {
        using var noGrad = torch.no_grad();
        foreach (var (_, tensor) in model.state_dict())
            if (tensor.is_floating_point()) tensor.add_(torch.rand_like(tensor).mul_(0.1).add_(0.01));
    }

    private static void AssertSameOutputs(Model expected, Model actual, torch.Tensor x) =>
        Assert.True(torch.allclose(expected.Call(x), actual.Call(x), 0, 0), "the loaded model computes other outputs");

    /// <summary>Rewrites a saved model's config.json, as a user editing the file would.</summary>
    internal static void EditConfig(string path, Func<string, string> edit)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Update);
        var entry = zip.GetEntry("config.json")!;
        string json;
        using (var reader = new StreamReader(entry.Open(), Encoding.UTF8)) json = reader.ReadToEnd();
        string edited = edit(json);
        Assert.NotEqual(json, edited);
        entry.Delete();
        using var writer = new StreamWriter(zip.CreateEntry("config.json").Open(), new UTF8Encoding(false));
        writer.Write(edited);
    }

    /// <summary>A custom layer: multiplies by a factor and a trained weight.</summary>
    internal sealed class Scale : Layer
    {
        public Scale(double factor, (int A, int B) pair, string? name = null) : base(name) => (Factor, Pair) = (factor, pair);

        public double Factor { get; }

        public (int A, int B) Pair { get; }

        public override IReadOnlyList<long> ComputeOutputShape(IReadOnlyList<long> inputShape) => inputShape;

        public override LayerConfig GetConfig() => new ScaleConfig(Factor, Pair, ConfigName);

        protected override void BuildWeights(IReadOnlyList<long> inputShape) =>
            AddWeight("alpha", [inputShape[^1]], new Gan.Keras.Layers.Initializers.Ones());

        protected override torch.Tensor CallCore(torch.Tensor inputs, bool training) => inputs * FindWeight("alpha")! * Factor;
    }

    /// <summary>The custom layer's configuration.</summary>
    internal sealed record ScaleConfig(double Factor, (int A, int B) Pair, string? Name) : LayerConfig(Name)
    {
        public override Layer CreateLayer() => new Scale(Factor, Pair, Name);
    }

    private sealed class Doubling : Model
    {
        private readonly Dense dense = new(2);

        public Doubling() : base("doubling") => RegisterComponents();

        public override torch.Tensor Call(torch.Tensor inputs, bool training = false) => dense.Call(inputs, training) * 2;
    }
}
