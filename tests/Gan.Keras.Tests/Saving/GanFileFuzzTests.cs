using System.Text;
using Gan.Keras.Saving;
using Gan.Keras.Tests.Fuzzing;
using Xunit;
using Xunit.Abstractions;

namespace Gan.Keras.Tests.Saving;

public class GanFileFuzzTests(ITestOutputHelper output)
{
    private static readonly string[] Dictionary =
    [
        "class_name", "config", "GanModel", "generator", "discriminator", "generator_inputs", "Latent", "Labels", "UniformCode",
        "CategoricalCode", "dim", "num_classes", "seed", "dtype", "float64", "output_range", "generator_ema_decay", "compile_config",
        "loss", "NonSaturatingLoss", "WassersteinGpLoss", "Adam", "RMSprop", "learning_rate", "beta1", "label_loss",
        "BinaryCrossentropy", "from_logits", "discriminator_steps", "augmentation", "DiffAugment", "output_losses", "labels",
        "format", GanFile.Format, ModelFile.Format,
    ];

    [Fact]
    public void Load_RaisesOneLineInvalidDataNamingTheFile_ForEveryMutationOfASavedGan()
    {
        // Given a compiled GAN trained a little and saved whole, and 10,000 mutations: of the zip's bytes, of config.json
        // re-zipped (valid CRCs: an edited file), or of the tensors re-zipped
        string path = FuzzFile.NewPath("gan.keras");
        using (var gan = TinyGan.Create(hidden: 4))
        using (var data = TinyGan.Data())
        {
            gan.Fit(data, epochs: 1, batchSize: 256, verbose: Gan.Keras.Training.FitVerbosity.Silent);
            gan.Save(path);
        }
        byte[] valid = File.ReadAllBytes(path);
        var entries = ZipEntries.Read(valid);
        string config = Encoding.UTF8.GetString(entries[KerasArchive.ConfigEntry]);
        var target = new FuzzTarget("saved GAN (.keras zip)", path, valid, Generate, bytes =>
        {
            try
            {
                GanFile.Load(bytes, path).Dispose();
            }
            catch (InvalidDataException ex) when (ex.Message.Contains('\n', StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"a refusal of more than one line: {ex.Message}", ex);
            }
        })
        {
            // Tensors not counted, as for ModelFileFuzzTests: TorchSharp's Parameter(Tensor) leaves its source in Tensor.TotalCount.
            AllocationBound = length => 1100 * length + (4 << 20),
            TotalLimit = TimeSpan.FromSeconds(180),
        };

        // When each is loaded
        var report = FuzzHarness.Run(target);

        // Then every one was loaded or refused with a one-line InvalidDataException naming the file
        output.WriteLine(report.ToString());
        report.AssertCounts(rejected: 7_352, accepted: 2_648);

        Mutation Generate(Mutator m)
        {
            switch (m.Random.Next(5))
            {
                case < 2:
                    return m.Mutate(valid);
                case < 4:
                    var json = new JsonMutator(m.Random, Dictionary).Mutate(config);
                    return json with { Description = $"config.json: {json.Description}", Bytes = ZipEntries.Replace(entries, KerasArchive.ConfigEntry, json.Bytes) };
                default:
                    var weights = SafeTensorsMutations.Mutate(m, entries[KerasArchive.WeightsEntry]);
                    return weights with { Description = $"tensors: {weights.Description}", Bytes = ZipEntries.Replace(entries, KerasArchive.WeightsEntry, weights.Bytes) };
            }
        }
    }
}
