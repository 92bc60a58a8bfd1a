using Gan.Keras.Export.TensorBoard;
using Gan.Keras.Tests.Fuzzing;
using SkiaSharp;
using Xunit;
using Xunit.Abstractions;

namespace Gan.Keras.Tests.Export.TensorBoard;

public class TensorBoardEventReaderFuzzTests(ITestOutputHelper output)
{
    [Fact]
    public void Read_RaisesInvalidDataNamingTheFile_ForEveryMutationOfAnEventFile()
    {
        // Given an event file with the version, two scalars and an image, and 10,000 mutations of it: of the bytes
        // (record lengths set to extremes), or of one record's protobuf framed again with valid CRCs
        string folder = TestPaths.NewTempFolder();
        string source;
        using (var writer = new TensorBoardEventWriter(folder, new FixedClock()))
        {
            writer.WriteScalar("epoch_d_loss", 0.5, 1);
            writer.WriteScalar("epoch_g_loss", 1.25, 1);
            writer.WriteImage("samples", Png(), 1);
            source = writer.Path;
        }
        byte[] valid = File.ReadAllBytes(source);
        var records = TfRecord.ReadAll(source);
        var offsets = new List<int>();
        for (int i = 0, at = 0; i < records.Count; at += 16 + records[i].Length, i++) offsets.Add(at);
        var fields = offsets.Select(o => new IntegerField(o, 8, FieldEncoding.Int64LittleEndian, $"length of record at {o}")).ToArray();
        string path = Path.Combine(folder, "fuzz.tfevents");
        var target = new FuzzTarget("TensorBoard events", path, valid, Generate, bytes => TensorBoardEventReader.Read(bytes, path));

        // When each is read
        var report = FuzzHarness.Run(target);

        // Then every one was read or refused with InvalidDataException naming the file
        output.WriteLine(report.ToString());
        report.AssertCounts(rejected: 8_586, accepted: 1_414);

        Mutation Generate(Mutator m)
        {
            if (m.Random.Next(2) == 0) return m.Mutate(valid, fields);
            int record = m.Random.Next(records.Count);
            var payload = m.Mutate(records[record]);
            using var stream = new MemoryStream();
            for (int i = 0; i < records.Count; i++) TfRecord.Write(stream, i == record ? payload.Bytes : records[i]);
            return new Mutation($"record {record}'s event, framed again: {payload.Description}", stream.ToArray());
        }
    }

    private static byte[] Png()
    {
        using var bitmap = new SKBitmap(2, 2);
        bitmap.Erase(SKColors.Teal);
        using var image = SKImage.FromBitmap(bitmap);
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }

    /// <summary>Always 2026-01-01: the events' wall times, and with them the file and every mutation's outcome, are the same at every run.</summary>
    private sealed class FixedClock : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    }
}
