using Gan.Keras.Callbacks;
using Xunit;

namespace Gan.Keras.Tests.Callbacks;

public class CsvLoggerTests
{
    [Fact]
    public void Fit_WritesHeaderAndOneRowPerEpoch()
    {
        // Given a CSV logger
        string path = Path.Combine(TestPaths.NewTempFolder(), "history.csv");
        using var data = TinyGan.Data();
        using var gan = new ScriptedGan(step => step);

        // When 3 epochs of 8 steps run
        gan.Fit(data, epochs: 3, batchSize: 64, callbacks: new Callback[] { new CsvLogger(path) });

        // Then the file has Keras's layout: epoch, then the keys sorted, with each epoch's means
        var lines = File.ReadAllLines(path);
        Assert.Equal("epoch,d_fake,d_loss,d_real,g_loss", lines[0]);
        Assert.Equal(4, lines.Length);
        Assert.Equal("0,0.25,3.5,0.5,3.5", lines[1]);
        var rows = CsvLogger.ReadRows(path);
        Assert.Equal(new[] { 0, 1, 2 }, rows.Select(r => r.Epoch));
        Assert.Equal(19.5, rows[2].Logs["d_loss"]);
    }

    [Fact]
    public void Append_DropsRowsFromTheResumedEpochOn()
    {
        // Given a log of epochs 0..3 of which only 0..1 were checkpointed
        string path = Path.Combine(TestPaths.NewTempFolder(), "history.csv");
        using var data = TinyGan.Data();
        using (var first = new ScriptedGan(step => step))
            first.Fit(data, epochs: 4, batchSize: 64, callbacks: new Callback[] { new CsvLogger(path) });

        // When training resumes at epoch 2 with append
        using var resumed = new ScriptedGan(step => 100 + step);
        resumed.Fit(data, epochs: 3, batchSize: 64, initialEpoch: 2, callbacks: new Callback[] { new CsvLogger(path, append: true) });

        // Then epochs 0 and 1 are kept, the stale epochs 2 and 3 are gone, and the new epoch 2 is logged once
        var rows = CsvLogger.ReadRows(path);
        Assert.Equal(new[] { 0, 1, 2 }, rows.Select(r => r.Epoch));
        Assert.Equal(103.5, rows[2].Logs["d_loss"]);
    }

    [Fact]
    public void ReadRows_NamesFileAndLine_WhenAValueIsNotANumber()
    {
        string path = Path.Combine(TestPaths.NewTempFolder(), "bad.csv");
        File.WriteAllText(path, "epoch,d_loss\n0,1.5\n1,abc\n");
        var error = Assert.Throws<InvalidDataException>(() => CsvLogger.ReadRows(path));
        Assert.Contains($"'{path}' line 3", error.Message);
    }
}
