using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gan.Keras.Losses;
using Gan.Keras.Models;
using Gan.Keras.Optimizers;
using Gan.Keras.Training;
using TorchSharp;

namespace Gan.Keras.Saving;

/// <summary>
/// <see cref="GanModel.Save"/> and <see cref="GanModel.Load"/>: both networks (<see cref="KerasJson"/>), the generator's
/// inputs, the seed, the sample range, the weight average, and the compile config (loss, output losses, optimizers,
/// training options) in one <see cref="KerasArchive"/>; the tensors are <see cref="TrainingState"/>'s (weights, optimizer
/// state, random states), so a loaded GAN continues training as a checkpoint resume does.
/// </summary>
internal static class GanFile
{
    /// <summary>The <c>format</c> metadata of a saved GAN.</summary>
    public const string Format = "gan-keras.gan.v1";

    /// <summary>Saves <paramref name="gan"/> to <paramref name="path"/>.</summary>
    public static void Save(GanModel gan, string path)
    {
        var config = Describe(gan);
        var parts = TrainingStateParts.Weights | TrainingStateParts.Random | (gan.IsCompiled ? TrainingStateParts.Optimizers : TrainingStateParts.None);
        var tensors = TrainingState.Capture(gan, parts);
        try { KerasArchive.Write(path, ModelFile.Metadata(Format, gan.Generator.DtypePolicy.Name), config, tensors); }
        finally { foreach (var tensor in tensors.Values) tensor.Dispose(); }
    }

    /// <summary>Loads a GAN from a file's bytes; <paramref name="path"/> names the file in errors.</summary>
    /// <param name="bytes">The file's bytes.</param>
    /// <param name="path">The file, for errors.</param>
    /// <param name="restore">Which parts to restore, of those saved (all by default; <see cref="Create"/> says what fewer allows).</param>
    public static GanModel Load(byte[] bytes, string path, TrainingStateParts restore = TrainingStateParts.All)
    {
        var (metadata, file, tensors) = KerasArchive.Read(bytes, path);
        try
        {
            ModelFile.CheckFormat(metadata, path, Format);
            return Create(file, tensors, path, restore);
        }
        finally
        {
            foreach (var tensor in tensors.Values) tensor.Dispose();
        }
    }

    /// <summary>The GAN's config object: <c>{"module", "class_name": "GanModel", "config": {...}, "registered_name"}</c>.</summary>
    /// <exception cref="NotSupportedException">The GAN is an unregistered subclass of <see cref="GanModel"/>, or a part cannot be described.</exception>
    public static JsonObject Describe(GanModel gan)
    {
        var type = SerializableGans.ForType(gan.GetType())
            ?? throw new NotSupportedException($"A {gan.GetType().Name} cannot be saved whole until its type is registered: its overrides are C# code a file cannot hold. Call SerializableGans.Register(p => new {gan.GetType().Name}(...), \"MyProject\") first (Keras: register_keras_serializable), or save its networks (Model.Save).");
        var config = new JsonObject
        {
            ["generator"] = KerasJson.Serialize(gan.Generator),
            ["discriminator"] = KerasJson.Serialize(gan.Discriminator),
            ["generator_inputs"] = new JsonArray(gan.GeneratorInputs.Select(i => (JsonNode)Input(i)).ToArray()),
            ["seed"] = gan.Seed,
            ["dtype"] = KerasJson.DTypeName(gan.DType),
            ["output_range"] = new JsonArray(gan.OutputRange.Low, gan.OutputRange.High),
            ["generator_ema_decay"] = gan.GeneratorEmaDecay,
            ["compile_config"] = gan.IsCompiled ? CompileConfig(gan) : null,
            // A program without the subclass's code may still sample it as this built-in class (SavedGan).
            ["sampled_as"] = type.RegisteredName is null ? null : SerializableGans.SamplingClass(gan.GetType())?.ClassName,
        };
        return new JsonObject { ["module"] = type.Module, ["class_name"] = type.ClassName, ["config"] = config, ["registered_name"] = type.RegisteredName };
    }

    private static JsonObject CompileConfig(GanModel gan) => new()
    {
        ["loss"] = ObjectConfig.Write(gan.Loss, "the loss"),
        ["output_losses"] = new JsonArray(gan.OutputLosses.Select((o, i) => (JsonNode)new JsonObject
        {
            ["loss"] = ObjectConfig.Write(o.Loss, $"output loss {i}"),
            ["target"] = o.Target.InputName is { } name ? new JsonObject { ["input"] = name } : "labels",
            ["weight"] = o.Weight,
        }).ToArray()),
        ["discriminator_optimizer"] = ObjectConfig.Write(gan.DiscriminatorOptimizer, "the discriminator's optimizer"),
        ["generator_optimizer"] = ObjectConfig.Write(gan.GeneratorOptimizer, "the generator's optimizer"),
        ["discriminator_steps"] = gan.DiscriminatorSteps,
        ["critic_reuses_real_batch"] = gan.CriticReusesRealBatch,
        ["discriminator_weight_clip"] = gan.DiscriminatorWeightClip,
        ["score_real_and_fake_together"] = gan.ScoreRealAndFakeTogether,
        ["augmentation"] = ObjectConfig.Write(gan.Augmentation, "the augmentation"),
    };

    /// <summary>Creates the GAN a config object describes and restores its tensors.</summary>
    /// <exception cref="InvalidDataException">The config or the tensors are not valid; the message names the file.</exception>
    /// <param name="file">The config object.</param>
    /// <param name="tensors">The saved tensors (<see cref="TrainingState"/>'s names).</param>
    /// <param name="path">The file, for errors.</param>
    /// <param name="restore">
    /// Which parts to restore, of those saved (all by default). Without the optimizers (to sample, not to train), a
    /// subclass that is not registered here is made as the built-in class the file says it samples as.
    /// </param>
    public static GanModel Create(JsonObject file, IReadOnlyDictionary<string, torch.Tensor> tensors, string path, TrainingStateParts restore = TrainingStateParts.All)
    {
        Model? generator = null, discriminator = null;
        GanModel? gan = null;
        try
        {
            var config = file["config"] as JsonObject ?? throw new InvalidDataException("it has no 'config' object");
            var type = GanType(file, config, samplingOnly: (restore & TrainingStateParts.Optimizers) == 0);
            generator = ModelFile.Rebuild(config["generator"], path, tensors);
            discriminator = ModelFile.Rebuild(config["discriminator"], path, tensors);
            var inputs = (config["generator_inputs"] as JsonArray ?? throw new InvalidDataException("it has no 'generator_inputs' array")).Select(ReadInput).ToArray();
            long seed = Number<long>(config, "seed");
            gan = type.Create(new GanParts(generator, discriminator, inputs, seed));
            (generator, discriminator) = (null, null);
            var dtype = KerasJson.ParseDType(Text(config, "dtype"));
            if (dtype != torch.ScalarType.Float32) gan.To(dtype);
            if (config["output_range"] is JsonArray { Count: 2 } range && range[0] is JsonValue low && range[1] is JsonValue high
                && low.GetValueKind() == JsonValueKind.Number && high.GetValueKind() == JsonValueKind.Number)
                gan.OutputRange = (low.GetValue<double>(), high.GetValue<double>());
            else throw new InvalidDataException("its 'output_range' is not [low, high]");
            if (config["generator_ema_decay"] is JsonValue) gan.GeneratorEmaDecay = Number<double>(config, "generator_ema_decay");
            if (config["compile_config"] is JsonObject compile) Compile(gan, compile);
            else if (config["compile_config"] is not null) throw new InvalidDataException("its 'compile_config' is not an object");
            var parts = TrainingStateParts.Weights | (gan.IsCompiled ? TrainingStateParts.Optimizers : TrainingStateParts.None)
                | (tensors.ContainsKey("rng.model") ? TrainingStateParts.Random : TrainingStateParts.None);
            TrainingState.Restore(gan, tensors, parts & (restore | TrainingStateParts.Weights), path);
            return gan;
        }
        catch (Exception ex) when (ex is InvalidDataException or ArgumentException or InvalidOperationException or FormatException or OverflowException)
        {
            gan?.Dispose();
            generator?.Dispose();
            discriminator?.Dispose();
            string message = KerasArchive.OneLine(ex.Message);
            if (ex is InvalidDataException && message.Contains($"'{path}'", StringComparison.Ordinal)) throw;
            throw new InvalidDataException($"'{path}': cannot rebuild the GAN: {message.TrimEnd('.')}.", ex);
        }
        catch
        {
            gan?.Dispose();
            generator?.Dispose();
            discriminator?.Dispose();
            throw;
        }
    }

    /// <summary>The registered type the file names; to sample only, an unregistered subclass's built-in sampling class.</summary>
    private static SerializableGans.Entry GanType(JsonObject file, JsonObject config, bool samplingOnly)
    {
        string className = Text(file, "class_name");
        string? registered = file["registered_name"] is null ? null : Text(file, "registered_name");
        if (SerializableGans.Find(registered ?? className) is { } entry) return entry;
        if (registered is null) throw new InvalidDataException($"its 'class_name' '{className}' is not a GAN type: GanModel, ConditionalGanModel or a registered subclass");
        string? samplingClass = config["sampled_as"] is null ? null : Text(config, "sampled_as");
        if (samplingOnly && samplingClass is not null && SerializableGans.Find(samplingClass) is { RegisteredName: null } builtIn) return builtIn;
        throw new InvalidDataException(
            $"it holds a '{registered}', a GanModel subclass that is not registered: call SerializableGans.Register(p => new {className}(...), \"{registered.Split('>')[0]}\") before loading it (Keras: register_keras_serializable)"
            + (samplingClass is null ? string.Empty : $"; without it, it opens as a {samplingClass} to sample or export, not to train"));
    }

    private static void Compile(GanModel gan, JsonObject compile)
    {
        var loss = ObjectConfig.Read(compile["loss"], "the loss") as GanLoss ?? throw new InvalidDataException("its compile config's 'loss' is not a GAN loss");
        var discriminatorOptimizer = ObjectConfig.Read(compile["discriminator_optimizer"], "the discriminator's optimizer") as Optimizer
            ?? throw new InvalidDataException("its compile config's 'discriminator_optimizer' is not an optimizer");
        var generatorOptimizer = ObjectConfig.Read(compile["generator_optimizer"], "the generator's optimizer") as Optimizer
            ?? throw new InvalidDataException("its compile config's 'generator_optimizer' is not an optimizer");
        var outputs = (compile["output_losses"] as JsonArray ?? throw new InvalidDataException("its compile config has no 'output_losses' array")).Select((node, i) =>
        {
            var o = node as JsonObject ?? throw new InvalidDataException($"output loss {i} is not an object");
            var outputLoss = ObjectConfig.Read(o["loss"], $"output loss {i}") as Loss ?? throw new InvalidDataException($"output loss {i} has no 'loss'");
            var target = o["target"] is JsonObject t ? OutputTarget.Input(Text(t, "input")) : o["target"] is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() == "labels"
                ? OutputTarget.Labels : throw new InvalidDataException($"output loss {i}'s 'target' is neither \"labels\" nor {{\"input\": name}}");
            return new OutputLoss(outputLoss, target, Number<double>(o, "weight"));
        }).ToArray();
        gan.Compile(discriminatorOptimizer, generatorOptimizer, loss, outputs);
        gan.DiscriminatorSteps = Number<int>(compile, "discriminator_steps");
        gan.CriticReusesRealBatch = Flag(compile, "critic_reuses_real_batch");
        gan.DiscriminatorWeightClip = compile["discriminator_weight_clip"] is null ? null : Number<double>(compile, "discriminator_weight_clip");
        gan.ScoreRealAndFakeTogether = Flag(compile, "score_real_and_fake_together");
        gan.Augmentation = compile["augmentation"] is null ? null
            : ObjectConfig.Read(compile["augmentation"], "the augmentation") as DiffAugment ?? throw new InvalidDataException("its 'augmentation' is not a DiffAugment");
    }

    private static JsonObject Input(GeneratorInput input)
    {
        var (kind, config) = input switch
        {
            LatentInput latent => ("Latent", new JsonObject { ["dim"] = latent.Dim }),
            LabelsInput labels => ("Labels", new JsonObject { ["num_classes"] = labels.NumClasses, ["column"] = labels.Shape.Count == 1 }),
            CategoricalCodeInput code => ("CategoricalCode", new JsonObject { ["categories"] = code.Categories }),
            UniformCodeInput code => ("UniformCode", new JsonObject { ["dim"] = code.Dim, ["low"] = code.Low, ["high"] = code.High }),
            _ => throw new NotSupportedException($"Generator input '{input.Name}' is a {input.GetType().Name}, which a saved GAN cannot name."),
        };
        config["name"] = input.Name;
        return new JsonObject { ["class_name"] = kind, ["config"] = config };
    }

    private static GeneratorInput ReadInput(JsonNode? node, int index)
    {
        var obj = node as JsonObject ?? throw new InvalidDataException($"generator input {index} is not an object");
        var config = obj["config"] as JsonObject ?? throw new InvalidDataException($"generator input {index} has no 'config' object");
        string name = Text(config, "name");
        return Text(obj, "class_name") switch
        {
            "Latent" => GeneratorInput.Latent(Number<int>(config, "dim"), name),
            "Labels" => GeneratorInput.Labels(Number<int>(config, "num_classes"), name, Flag(config, "column")),
            "CategoricalCode" => GeneratorInput.CategoricalCode(Number<int>(config, "categories"), name),
            "UniformCode" => GeneratorInput.UniformCode(Number<int>(config, "dim"), Number<double>(config, "low"), Number<double>(config, "high"), name),
            var other => throw new InvalidDataException($"generator input {index} is a '{other}', not Latent, Labels, CategoricalCode or UniformCode"),
        };
    }

    private static T Number<T>(JsonObject obj, string key) =>
        obj[key] is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? v.GetValue<T>() : throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"its '{key}' is not a number"));

    private static bool Flag(JsonObject obj, string key) =>
        obj[key] is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? v.GetValue<bool>() : throw new InvalidDataException($"its '{key}' is not true or false");

    private static string Text(JsonObject obj, string key) =>
        obj[key] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : throw new InvalidDataException($"its '{key}' is not a string");
}
