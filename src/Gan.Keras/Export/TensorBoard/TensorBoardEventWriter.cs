using System.Buffers.Binary;
using System.Globalization;
using Google.Protobuf;

namespace Gan.Keras.Export.TensorBoard;

/// <summary>
/// Writes a TensorBoard event file (<c>events.out.tfevents.*</c>): TFRecord-framed <c>tensorflow.Event</c> protocol
/// buffers carrying scalar and image summaries. <c>tensorboard --logdir DIR</c> shows them.
/// </summary>
/// <remarks>
/// Encoded by hand with <see cref="CodedOutputStream"/> from the field numbers of tensorflow/core/util/event.proto
/// (<c>wall_time = 1</c>, <c>step = 2</c>, <c>file_version = 3</c>, <c>summary = 5</c>) and
/// tensorflow/core/framework/summary.proto (<c>Summary.value = 1</c>; <c>Value.tag = 1</c>, <c>simple_value = 2</c>,
/// <c>image = 4</c>; <c>Image.height = 1</c>, <c>width = 2</c>, <c>colorspace = 3</c>, <c>encoded_image_string = 4</c>).
/// Not TorchSharp 0.107.0's <c>torch.utils.tensorboard.SummaryWriter</c>: its files are readable, but it stamps events
/// in whole seconds (the first in .NET ticks), reopens the file for every value (6 to 12 times slower, measured) and takes no
/// encoded PNG; docs/tensorboard.md has the measurements.
/// </remarks>
public sealed class TensorBoardEventWriter : IDisposable
{
    /// <summary>The <c>file_version</c> of the first event, as TensorFlow writes it.</summary>
    public const string FileVersion = "brain.Event:2";

    private readonly FileStream stream;
    private readonly TimeProvider clock;

    /// <summary>Initializes a new instance of the <see cref="TensorBoardEventWriter"/> class: creates a new event file in <paramref name="logDirectory"/>.</summary>
    public TensorBoardEventWriter(string logDirectory) : this(logDirectory, TimeProvider.System)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="TensorBoardEventWriter"/> class that stamps events with <paramref name="clock"/>'s time (a fixed clock makes the file reproducible).</summary>
    internal TensorBoardEventWriter(string logDirectory, TimeProvider clock)
    {
        ArgumentException.ThrowIfNullOrEmpty(logDirectory);
        ArgumentNullException.ThrowIfNull(clock);
        this.clock = clock;
        Directory.CreateDirectory(logDirectory);
        long seconds = clock.GetUtcNow().ToUnixTimeSeconds();
        string host = string.Concat(Environment.MachineName.Where(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'));
        Path = System.IO.Path.Combine(logDirectory, string.Create(CultureInfo.InvariantCulture, $"events.out.tfevents.{seconds}.{host}.{Environment.ProcessId}.{Guid.NewGuid():N}.v2"));
        stream = new FileStream(Path, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
        WriteEvent(0, e => e.WriteString(3, FileVersion));
        Flush();
    }

    /// <summary>Gets the event file's path.</summary>
    public string Path { get; }

    /// <summary>Writes a scalar summary.</summary>
    public void WriteScalar(string tag, double value, long step)
    {
        ArgumentException.ThrowIfNullOrEmpty(tag);
        WriteEvent(step, e => e.WriteMessage(5, summary => summary.WriteMessage(1, v =>
        {
            v.WriteString(1, tag);
            v.WriteFloat(2, (float)value);
        })));
    }

    /// <summary>Writes an image summary from an encoded PNG.</summary>
    public void WriteImage(string tag, byte[] png, long step)
    {
        ArgumentException.ThrowIfNullOrEmpty(tag);
        ArgumentNullException.ThrowIfNull(png);
        var (width, height, colorspace) = PngHeader(png);
        WriteEvent(step, e => e.WriteMessage(5, summary => summary.WriteMessage(1, v =>
        {
            v.WriteString(1, tag);
            v.WriteMessage(4, image =>
            {
                image.WriteInt32(1, height);
                image.WriteInt32(2, width);
                image.WriteInt32(3, colorspace);
                image.WriteBytes(4, png);
            });
        })));
    }

    /// <summary>Flushes written events to the file (TensorBoard reads what is flushed).</summary>
    public void Flush() => stream.Flush();

    /// <summary>Flushes and closes the file.</summary>
    public void Dispose() => stream.Dispose();

    private void WriteEvent(long step, Action<ProtoWriter> body)
    {
        using var e = new ProtoWriter();
        e.WriteDouble(1, clock.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0);
        e.WriteInt64(2, step);
        body(e);
        TfRecord.Write(stream, e.ToArray());
    }

    private static (int Width, int Height, int Colorspace) PngHeader(byte[] png)
    {
        ReadOnlySpan<byte> signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        if (png.Length < 26 || !png.AsSpan(0, 8).SequenceEqual(signature))
            throw new ArgumentException("Image summaries need PNG bytes (the PNG signature is missing).", nameof(png));
        int width = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16));
        int height = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20));
        int colorspace = png[25] switch { 0 => 1, 4 => 2, 2 => 3, 6 => 4, _ => 3 };
        return (width, height, colorspace);
    }

    /// <summary>A protobuf message being written: fields go to a buffer so nested messages can be length-prefixed.</summary>
    private sealed class ProtoWriter : IDisposable
    {
        private readonly MemoryStream buffer = new();
        private readonly CodedOutputStream output;

        public ProtoWriter() => output = new CodedOutputStream(buffer, leaveOpen: true);

        public void WriteDouble(int field, double value)
        {
            output.WriteTag(field, WireFormat.WireType.Fixed64);
            output.WriteDouble(value);
        }

        public void WriteFloat(int field, float value)
        {
            output.WriteTag(field, WireFormat.WireType.Fixed32);
            output.WriteFloat(value);
        }

        public void WriteInt64(int field, long value)
        {
            output.WriteTag(field, WireFormat.WireType.Varint);
            output.WriteInt64(value);
        }

        public void WriteInt32(int field, int value)
        {
            output.WriteTag(field, WireFormat.WireType.Varint);
            output.WriteInt32(value);
        }

        public void WriteString(int field, string value)
        {
            output.WriteTag(field, WireFormat.WireType.LengthDelimited);
            output.WriteString(value);
        }

        public void WriteBytes(int field, byte[] value)
        {
            output.WriteTag(field, WireFormat.WireType.LengthDelimited);
            output.WriteBytes(ByteString.CopyFrom(value));
        }

        public void WriteMessage(int field, Action<ProtoWriter> body)
        {
            using var nested = new ProtoWriter();
            body(nested);
            WriteBytes(field, nested.ToArray());
        }

        public byte[] ToArray()
        {
            output.Flush();
            return buffer.ToArray();
        }

        public void Dispose()
        {
            output.Dispose();
            buffer.Dispose();
        }
    }
}
