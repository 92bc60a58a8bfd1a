using System.Buffers.Binary;
using System.IO.Hashing;
using Gan.Keras.Data;
using Gan.Keras.Tests.Fuzzing;
using SkiaSharp;
using Xunit;
using Xunit.Abstractions;

namespace Gan.Keras.Tests.Data;

public class ImageFolderFuzzTests(ITestOutputHelper output)
{
    [Fact]
    public void Decode_RaisesInvalidDataNamingTheFile_ForEveryMutationOfAPng()
    {
        // Given 10,000 mutations of an 8×6 PNG: generic ones, IHDR sizes and chunk lengths set to extremes, half with every chunk CRC made valid again
        byte[] valid = Encode(SKEncodedImageFormat.Png);
        IntegerField[] fields =
        [
            new(8, 4, FieldEncoding.Int32BigEndian, "IHDR length"),
            new(16, 4, FieldEncoding.Int32BigEndian, "IHDR width"),
            new(20, 4, FieldEncoding.Int32BigEndian, "IHDR height"),
            new(33, 4, FieldEncoding.Int32BigEndian, "second chunk length"),
        ];
        var report = Run("PNG image", "x.png", SKEncodedImageFormat.Png, valid, m =>
        {
            var mutation = m.Mutate(valid, fields);
            return m.Random.Next(2) == 0 ? mutation : new Mutation(mutation.Description + "; chunk CRCs fixed", FixPngCrcs(mutation.Bytes));
        });

        report.AssertCounts(rejected: 9_128, accepted: 872);
    }

    [Fact]
    public void Decode_RaisesInvalidDataNamingTheFile_ForEveryMutationOfAJpeg()
    {
        // Given 10,000 mutations of an 8×6 JPEG: generic ones, and its frame size and segment lengths set to extremes
        byte[] valid = Encode(SKEncodedImageFormat.Jpeg);
        var report = Run("JPEG image", "x.jpg", SKEncodedImageFormat.Jpeg, valid, m => m.Mutate(valid, JpegFields(valid)));

        report.AssertCounts(rejected: 7_769, accepted: 2_231);
    }

    private FuzzReport Run(string reader, string name, SKEncodedImageFormat format, byte[] valid, Func<Mutator, Mutation> generate)
    {
        // When each is decoded as ImageFolder.Load decodes every file of a folder (to RGBA, then planar floats)
        string path = Path.Combine(TestPaths.NewTempFolder(), "c", name);
        long maxPixels = 0;
        var target = new FuzzTarget(reader, path, valid, generate, bytes =>
        {
            maxPixels = ImageFolder.MaxPixels(bytes, format);
            using var bitmap = ImageFolder.Decode(bytes, path, size: null);
            ImageFolder.CopyPixels(bitmap, 3, new float[3 * bitmap.Width * bitmap.Height]);
        })
        {
            // The floats of the most pixels the file's length can hold (PNG: 1,032 × 8 / bits per pixel per byte; JPEG: 512), as Load allocates them.
            AllocationBound = length => 12 * maxPixels + 16 * length + (1 << 20),
        };
        var report = FuzzHarness.Run(target);

        // Then every one was decoded or refused with InvalidDataException naming the file, within the file's size
        output.WriteLine(report.ToString());
        return report;
    }

    private static byte[] Encode(SKEncodedImageFormat format)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(8, 6, SKColorType.Rgba8888, SKAlphaType.Opaque));
        for (int y = 0; y < 6; y++)
            for (int x = 0; x < 8; x++)
                bitmap.SetPixel(x, y, new SKColor((byte)(x * 30), (byte)(y * 40), 128));
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, 90);
        return data.ToArray();
    }

    /// <summary>Recomputes the CRC of every whole chunk, so a mutation reaches the decoder instead of stopping at the CRC check.</summary>
    private static byte[] FixPngCrcs(byte[] png)
    {
        var bytes = (byte[])png.Clone();
        int at = 8;
        while (at + 12 <= bytes.Length)
        {
            uint length = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(at));
            if (length > bytes.Length - at - 12) break;
            uint crc = Crc32.HashToUInt32(bytes.AsSpan(at + 4, 4 + (int)length));
            BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(at + 8 + (int)length), crc);
            at += 12 + (int)length;
        }
        return bytes;
    }

    /// <summary>The frame height and width (SOF0) and the length of every marker segment before the scan.</summary>
    private static IntegerField[] JpegFields(byte[] jpeg)
    {
        var fields = new List<IntegerField>();
        int at = 2;
        while (at + 4 <= jpeg.Length && jpeg[at] == 0xff)
        {
            byte marker = jpeg[at + 1];
            fields.Add(new(at + 2, 2, FieldEncoding.Int16BigEndian, $"segment 0x{marker:x2} length"));
            if (marker is 0xc0 or 0xc2)
            {
                fields.Add(new(at + 5, 2, FieldEncoding.Int16BigEndian, "frame height"));
                fields.Add(new(at + 7, 2, FieldEncoding.Int16BigEndian, "frame width"));
            }
            if (marker == 0xda) break;
            at += 2 + BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(at + 2));
        }
        return fields.ToArray();
    }
}
