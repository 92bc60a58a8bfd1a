using Gan.Keras.Export.Checkpoints;
using Gan.Keras.Training;
using Xunit;

namespace Gan.Keras.Tests.Export.Checkpoints;

public class CheckpointManagerTests
{
    [Fact]
    public void Save_KeepsTheNewestN_AndTheManifestListsExactlyThem()
    {
        // Given a manager that keeps 2 checkpoints
        string folder = TestPaths.NewTempFolder();
        var manager = new CheckpointManager(folder, keep: 2);
        using var gan = TinyGan.Create();

        // When 4 checkpoints are saved
        for (int epoch = 1; epoch <= 4; epoch++)
        {
            using var checkpoint = TrainingCheckpoint.Capture(gan, epoch, epoch * 10L);
            manager.Save(checkpoint);
        }

        // Then only epochs 3 and 4 remain, on disk and in the manifest, with their sizes and hashes
        Assert.Equal(new[] { 3, 4 }, manager.Entries.Select(e => e.Epoch));
        Assert.Equal(new[] { "ckpt-000003.safetensors", "ckpt-000004.safetensors" }, Directory.GetFiles(folder, "ckpt-*").Select(Path.GetFileName).Order());
        Assert.All(manager.Entries, e => Assert.Equal(new FileInfo(Path.Combine(folder, e.File)).Length, e.Bytes));
        Assert.All(manager.Entries, e => Assert.Matches("^[0-9a-f]{64}$", e.Sha256));
        using var latest = manager.LoadLatest();
        Assert.Equal(4, latest.Epoch);
    }

    [Fact]
    public void LoadLatest_RefusesTruncatedCheckpoint_NamingTheFile()
    {
        // Given a saved checkpoint whose file lost its last 100 bytes
        var (manager, path) = SaveOne();
        using (var stream = new FileStream(path, FileMode.Open)) stream.SetLength(stream.Length - 100);

        // When the latest checkpoint is loaded
        var error = Assert.Throws<InvalidDataException>(() => manager.LoadLatest());

        // Then it is refused, naming the file and the manifest
        Assert.Contains(path, error.Message);
        Assert.Contains("truncated", error.Message);
        Assert.Contains(CheckpointManager.ManifestFileName, error.Message);
    }

    [Fact]
    public void LoadLatest_RefusesTamperedCheckpoint_NamingTheFile()
    {
        // Given a saved checkpoint with one byte of its tensor data changed (same size)
        var (manager, path) = SaveOne();
        byte[] bytes = File.ReadAllBytes(path);
        bytes[^10] ^= 0x01;
        File.WriteAllBytes(path, bytes);

        // When the latest checkpoint is loaded
        var error = Assert.Throws<InvalidDataException>(() => manager.LoadLatest());

        // Then it is refused, naming the file and both hashes
        Assert.Contains(path, error.Message);
        Assert.Contains("SHA-256", error.Message);
        Assert.Contains(manager.Latest!.Sha256, error.Message);
    }

    [Fact]
    public void LoadLatest_RefusesCorruptManifest_NamingIt()
    {
        // Given a manifest cut in half
        var (manager, _) = SaveOne();
        string text = File.ReadAllText(manager.ManifestPath);
        File.WriteAllText(manager.ManifestPath, text[..(text.Length / 2)]);

        // When the latest checkpoint is loaded, then the manifest is named as corrupt
        var error = Assert.Throws<InvalidDataException>(() => manager.LoadLatest());
        Assert.Contains(manager.ManifestPath, error.Message);
        Assert.Contains("corrupt", error.Message);
    }

    [Fact]
    public void LoadLatest_RaisesClearError_WhenFolderHasNoCheckpoint()
    {
        var manager = new CheckpointManager(TestPaths.NewTempFolder());
        var error = Assert.Throws<FileNotFoundException>(() => manager.LoadLatest());
        Assert.Contains(CheckpointManager.ManifestFileName, error.Message);
    }

    [Fact]
    public void Save_RemovesTemporaryFilesLeftByAKilledWriter()
    {
        // Given a temporary file such as a process killed mid-write leaves behind
        var (manager, _) = SaveOne();
        string orphan = Path.Combine(manager.Directory, ".ckpt-000002.safetensors.999999.0123456789abcdef.tmp");
        File.WriteAllBytes(orphan, new byte[] { 1, 2, 3 });

        // When the next checkpoint is saved
        using (var gan = TinyGan.Create())
        using (var checkpoint = TrainingCheckpoint.Capture(gan, 2, 20))
            manager.Save(checkpoint);

        // Then the orphan is gone
        Assert.False(File.Exists(orphan));
    }

    private static (CheckpointManager Manager, string Path) SaveOne()
    {
        var manager = new CheckpointManager(TestPaths.NewTempFolder());
        using var gan = TinyGan.Create();
        using var checkpoint = TrainingCheckpoint.Capture(gan, 1, 10);
        var entry = manager.Save(checkpoint);
        return (manager, Path.Combine(manager.Directory, entry.File));
    }

    [Theory]
    [InlineData("\"saved_utc\": \"0001-01-01T00:00:00+01:00\"", "saved_utc")]
    [InlineData("\"epoch\": 1, \"epoch\": 2", "epoch")]
    public void Entries_RefusesAnEntryWithADateOutsideTheCalendarOrAKeyTwice_NamingTheManifest(string fields, string key)
    {
        // Given a manifest whose entry saves a time that the offset moves before year 1, or gives a key twice
        string folder = TestPaths.NewTempFolder();
        var manager = new CheckpointManager(folder);
        string entry = $"\"file\": \"ckpt-000001.safetensors\", \"step\": 1, \"sha256\": \"00\", \"bytes\": 1, {(key == "epoch" ? "\"saved_utc\": \"2025-01-01T00:00:00+00:00\", " : "\"epoch\": 1, ")}{fields}";
        File.WriteAllText(manager.ManifestPath, $"{{\"format\": \"gan-keras.checkpoints.v1\", \"checkpoints\": [{{{entry}}}]}}");

        // When its entries are read
        var error = Assert.Throws<InvalidDataException>(() => manager.Entries);

        // Then the manifest is named as corrupt
        Assert.Contains(manager.ManifestPath, error.Message, StringComparison.Ordinal);
    }
}
