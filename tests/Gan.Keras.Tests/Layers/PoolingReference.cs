namespace Gan.Keras.Tests.Layers;

/// <summary>Pooling computed by hand, the reference the pooling layers' tests compare against.</summary>
internal static class PoolingReference
{
    /// <summary>
    /// Pools a square image (row-major <paramref name="values"/>) with square windows of <paramref name="size"/> (odd),
    /// stride 1 and "same" padding, reducing only the pixels of each window that lie inside the image.
    /// </summary>
    public static float[] SameStrideOne(float[] values, int width, int size, Func<IEnumerable<float>, float> reduce)
    {
        int half = size / 2;
        var pooled = new float[width * width];
        for (int i = 0; i < width; i++)
            for (int j = 0; j < width; j++)
            {
                var inside = new List<float>();
                for (int r = i - half; r <= i + half; r++)
                    for (int c = j - half; c <= j + half; c++)
                        if (r >= 0 && r < width && c >= 0 && c < width) inside.Add(values[r * width + c]);
                pooled[i * width + j] = reduce(inside);
            }
        return pooled;
    }
}
