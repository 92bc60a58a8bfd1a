using Gan.Keras.Export.TensorBoard;
using Google.Protobuf;

namespace Gan.Keras.Tests.Export.TensorBoard;

/// <summary>Reads back a TensorBoard event file written by <see cref="TensorBoardEventWriter"/> (or TensorFlow): every record's CRCs are checked.</summary>
public static class TensorBoardEventReader
{
    /// <summary>Reads all events of a file.</summary>
    /// <exception cref="InvalidDataException">A record's CRC or its protobuf encoding is invalid; the message names the file.</exception>
    public static IReadOnlyList<TensorBoardEvent> Read(string path) => Read(File.ReadAllBytes(path), path);

    /// <summary>Reads all events of a file's bytes; <paramref name="path"/> names the file in errors.</summary>
    /// <exception cref="InvalidDataException">A record's CRC or its protobuf encoding is invalid; the message names the file.</exception>
    public static IReadOnlyList<TensorBoardEvent> Read(byte[] bytes, string path)
    {
        var events = new List<TensorBoardEvent>();
        foreach (var record in TfRecord.ReadAll(bytes, path))
        {
            try
            {
                events.Add(ParseEvent(record));
            }
            catch (InvalidProtocolBufferException ex)
            {
                throw new InvalidDataException($"'{path}': event {events.Count} is not a valid tensorflow.Event ({ex.Message}).", ex);
            }
        }
        return events;
    }

    private static TensorBoardEvent ParseEvent(byte[] data)
    {
        var input = new CodedInputStream(data);
        double wallTime = 0;
        long step = 0;
        string? fileVersion = null;
        var values = new List<TensorBoardValue>();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: wallTime = input.ReadDouble(); break;
                case 2: step = input.ReadInt64(); break;
                case 3: fileVersion = input.ReadString(); break;
                case 5: values.AddRange(ParseSummary(input.ReadBytes().ToByteArray())); break;
                default: input.SkipLastField(); break;
            }
        }
        return new TensorBoardEvent(wallTime, step, fileVersion, values);
    }

    private static List<TensorBoardValue> ParseSummary(byte[] data)
    {
        var input = new CodedInputStream(data);
        var values = new List<TensorBoardValue>();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == 1) values.Add(ParseValue(input.ReadBytes().ToByteArray()));
            else input.SkipLastField();
        }
        return values;
    }

    private static TensorBoardValue ParseValue(byte[] data)
    {
        var input = new CodedInputStream(data);
        string name = string.Empty;
        float? scalar = null;
        TensorBoardImage? image = null;
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: name = input.ReadString(); break;
                case 2: scalar = input.ReadFloat(); break;
                case 4: image = ParseImage(input.ReadBytes().ToByteArray()); break;
                default: input.SkipLastField(); break;
            }
        }
        return new TensorBoardValue(name, scalar, image);
    }

    private static TensorBoardImage ParseImage(byte[] data)
    {
        var input = new CodedInputStream(data);
        int height = 0, width = 0, colorspace = 0;
        byte[] encoded = Array.Empty<byte>();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: height = input.ReadInt32(); break;
                case 2: width = input.ReadInt32(); break;
                case 3: colorspace = input.ReadInt32(); break;
                case 4: encoded = input.ReadBytes().ToByteArray(); break;
                default: input.SkipLastField(); break;
            }
        }
        return new TensorBoardImage(height, width, colorspace, encoded);
    }
}

/// <summary>One <c>tensorflow.Event</c>.</summary>
/// <param name="WallTime">Seconds since the Unix epoch.</param>
/// <param name="Step">The global step.</param>
/// <param name="FileVersion">The file version (first event only), else null.</param>
/// <param name="Values">The summary values, empty when the event has no summary.</param>
public sealed record TensorBoardEvent(double WallTime, long Step, string? FileVersion, IReadOnlyList<TensorBoardValue> Values);

/// <summary>One summary value: a scalar or an image.</summary>
/// <param name="Tag">The value's tag (<c>epoch_d_loss</c>).</param>
/// <param name="Scalar">The <c>simple_value</c>, or null.</param>
/// <param name="Image">The image, or null.</param>
public sealed record TensorBoardValue(string Tag, float? Scalar, TensorBoardImage? Image);

/// <summary>An image summary.</summary>
/// <param name="Height">Height in pixels.</param>
/// <param name="Width">Width in pixels.</param>
/// <param name="Colorspace">1 grey, 2 grey+alpha, 3 RGB, 4 RGBA.</param>
/// <param name="EncodedImage">The PNG bytes.</param>
public sealed record TensorBoardImage(int Height, int Width, int Colorspace, byte[] EncodedImage);
