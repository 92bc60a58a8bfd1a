using Gan.Keras.Export.TensorBoard;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Export.TensorBoard;

public class TensorBoardEventWriterTests
{
    [Fact]
    public void Events_AreStampedInUnixSecondsToTheMillisecond_FromTheFileVersionEventOn()
    {
        // Given a writer that writes two scalars
        string folder = TestPaths.NewTempFolder();
        double before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        string path;
        using (var writer = new TensorBoardEventWriter(folder))
        {
            writer.WriteScalar("epoch_d_loss", 1.75, 0);
            writer.WriteScalar("epoch_d_loss", 5.75, 1);
            path = writer.Path;
        }
        double after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;

        // When it is read back (every CRC checked)
        var events = TensorBoardEventReader.Read(path);

        // Then every event, the file version first, carries the wall time at which it was written, in Unix seconds
        // with milliseconds (not whole seconds, not .NET ticks)
        Assert.Equal(TensorBoardEventWriter.FileVersion, events[0].FileVersion);
        Assert.All(events, e => Assert.InRange(e.WallTime, before, after));
        Assert.Equal(new float?[] { 1.75f, 5.75f }, events.Skip(1).Select(e => e.Values.Single().Scalar));
    }

    [Fact]
    public void TorchSharpSummaryWriter_WritesReadableEvents_ButWholeSecondTimesAndTicksInTheFirst()
    {
        // Given TorchSharp 0.107.0's own SummaryWriter, which this library does not use (docs/tensorboard.md)
        string folder = TestPaths.NewTempFolder();
        double before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        var writer = torch.utils.tensorboard.SummaryWriter(folder);
        writer.add_scalar("epoch_d_loss", 1.75f, 0);
        writer.add_scalar("epoch_d_loss", 5.75f, 1);

        // When its file is read back (every CRC checked)
        var events = TensorBoardEventReader.Read(Directory.GetFiles(folder).Single());

        // Then its framing and scalars are what TensorBoard reads, but the scalars' wall times are whole Unix seconds
        // and the file-version event's is DateTime.Now.Ticks (about 6e17 "seconds"). When a TorchSharp update fails this
        // test, docs/tensorboard.md's comparison is due again.
        Assert.Equal("brain.Event:2", events[0].FileVersion);
        Assert.Equal(new float?[] { 1.75f, 5.75f }, events.Skip(1).Select(e => e.Values.Single().Scalar));
        Assert.All(events.Skip(1), e => Assert.Equal(Math.Floor(e.WallTime), e.WallTime));
        Assert.All(events.Skip(1), e => Assert.InRange(e.WallTime, Math.Floor(before) - 1, before + 60));
        Assert.True(events[0].WallTime > 1e17, $"first event's wall time {events[0].WallTime} is not in ticks");
    }
}
