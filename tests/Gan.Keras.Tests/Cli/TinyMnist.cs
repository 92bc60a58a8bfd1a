using System.Buffers.Binary;

namespace Gan.Keras.Tests.Cli;

/// <summary>Writes a small MNIST-format folder (raw IDX files of random 28×28 images, labels 0–9) for fast CLI runs.</summary>
internal static class TinyMnist
{
    public static string Write(int count)
    {
        string folder = TestPaths.NewTempFolder();
        var random = new Random(count);
        var images = new byte[16 + count * 784];
        BinaryPrimitives.WriteInt32BigEndian(images, 0x00000803);
        BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(8), 28);
        BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(12), 28);
        random.NextBytes(images.AsSpan(16));
        var labels = new byte[8 + count];
        BinaryPrimitives.WriteInt32BigEndian(labels, 0x00000801);
        BinaryPrimitives.WriteInt32BigEndian(labels.AsSpan(4), count);
        for (int i = 0; i < count; i++) labels[8 + i] = (byte)(i % 10);
        File.WriteAllBytes(Path.Combine(folder, "t10k-images-idx3-ubyte"), images);
        File.WriteAllBytes(Path.Combine(folder, "t10k-labels-idx1-ubyte"), labels);
        return folder;
    }
}
