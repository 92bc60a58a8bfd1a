using System.Text;
using Gan.Keras.Export.Checkpoints;
using Gan.Keras.Tests.Fuzzing;
using Gan.Keras.Training;
using Xunit;
using Xunit.Abstractions;

namespace Gan.Keras.Tests.Export.Checkpoints;

public class CheckpointManagerFuzzTests(ITestOutputHelper output)
{
    private static readonly string[] Dictionary =
    [
        "gan-keras.checkpoints.v1", "ckpt-000001.safetensors", "checkpoint.json", "..", "format", "latest", "checkpoints",
        "file", "epoch", "step", "sha256", "bytes", "saved_utc", "2025-01-01T00:00:00.0000000+00:00",
    ];

    [Fact]
    public void LoadLatest_RaisesInvalidDataNamingTheManifest_ForEveryMutationOfCheckpointJson()
    {
        // Given a checkpoint folder and 10,000 mutations of its manifest: by JSON structure (duplicated keys, wrong
        // types, extreme numbers, dates and file names, deep nesting) or by bytes
        using var folder = new FuzzFolder();
        var manager = new CheckpointManager(folder.Path);
        using (var gan = TinyGan.Create())
        using (var checkpoint = TrainingCheckpoint.Capture(gan, 1, 8))
            manager.Save(checkpoint);
        // The manifest records when it was saved; a fixed time keeps the mutations, and so the counts, the same every run.
        byte[] valid = Encoding.UTF8.GetBytes(System.Text.RegularExpressions.Regex.Replace(File.ReadAllText(manager.ManifestPath),
            "\"saved_utc\":\\s*\"[^\"]*\"", "\"saved_utc\": \"2026-01-01T00:00:00.0000000+00:00\""));
        File.WriteAllBytes(manager.ManifestPath, valid);
        long checkpointBytes = manager.Latest!.Bytes;
        var target = new FuzzTarget("checkpoint manifest", manager.ManifestPath, valid, Generate, bytes =>
        {
            File.WriteAllBytes(manager.ManifestPath, bytes);
            _ = manager.Entries;
            using var latest = manager.LoadLatest();
        })
        {
            // A manifest that stays valid loads its checkpoint: that file's size is justified too.
            AllocationBound = length => 16 * (length + checkpointBytes) + (1 << 20),
            CountsTensors = true,
        };

        // When each is read and its latest checkpoint loaded
        var report = FuzzHarness.Run(target);

        // Then every one loaded or was refused with InvalidDataException naming the manifest
        output.WriteLine(report.ToString());
        report.AssertCounts(rejected: 9_316, accepted: 684);

        Mutation Generate(Mutator m) =>
            m.Random.Next(5) < 3 ? new JsonMutator(m.Random, Dictionary).Mutate(Encoding.UTF8.GetString(valid)) : m.Mutate(valid);
    }
}
