using Gan.Keras.Callbacks;
using Gan.Keras.Data;
using Gan.Keras.Export.TensorBoard;
using Gan.Keras.Tests.Export.TensorBoard;
using SkiaSharp;
using Xunit;

namespace Gan.Keras.Tests.Callbacks;

public class TensorBoardTests
{
    [Fact]
    public void Fit_WritesEventFile_WithStepAndEpochScalarsAndASampleImage()
    {
        // Given a TensorBoard callback with fixed noise, and a GAN logging known values
        string folder = TestPaths.NewTempFolder();
        using var data = TinyGan.Data();
        using var gan = new ScriptedGan(step => step * 0.5);
        using var noise = SampleGrid.DrawNoise(TinyGan.LatentDim, 50, seed: 2);
        using var board = new TensorBoard(folder, updateFrequency: 1, fixedNoise: noise, modes: GaussianMixtures.Ring8Means());

        // When 2 epochs of 8 steps run
        gan.Fit(data, epochs: 2, batchSize: 64, callbacks: new Callback[] { board });
        board.Dispose();

        // Then the file is in train/, every record's CRCs check out (the reader verifies them), the first event is the
        // file version, each step has its scalars at global steps 1..16, each epoch its means, and each epoch an image
        Assert.StartsWith(Path.Combine(folder, "train", "events.out.tfevents."), board.EventFilePath, StringComparison.Ordinal);
        var events = TensorBoardEventReader.Read(board.EventFilePath!);
        Assert.Equal(TensorBoardEventWriter.FileVersion, events[0].FileVersion);
        var values = events.SelectMany(e => e.Values.Select(v => (e.Step, v))).ToList();
        var batchLoss = values.Where(x => x.v.Tag == "batch_d_loss").ToList();
        Assert.Equal(Enumerable.Range(1, 16).Select(i => (long)i), batchLoss.Select(x => x.Step));
        Assert.Equal(Enumerable.Range(0, 16).Select(i => (float)(i * 0.5)), batchLoss.Select(x => x.v.Scalar!.Value));
        var epochLoss = values.Where(x => x.v.Tag == "epoch_d_loss").ToList();
        Assert.Equal(new long[] { 0, 1 }, epochLoss.Select(x => x.Step));
        Assert.Equal(new[] { 1.75f, 5.75f }, epochLoss.Select(x => x.v.Scalar!.Value));
        var images = values.Where(x => x.v.Tag == "samples").Select(x => x.v.Image!).ToList();
        Assert.Equal(2, images.Count);
        using var bitmap = SKBitmap.Decode(images[1].EncodedImage);
        Assert.Equal((images[1].Width, images[1].Height), (bitmap.Width, bitmap.Height));
        Assert.True(images[1].Colorspace is 3 or 4);
    }
}
