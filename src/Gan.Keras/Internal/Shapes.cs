namespace Gan.Keras.Internal;

/// <summary>Formatting and arithmetic on shapes (arrays of dimensions).</summary>
internal static class Shapes
{
    /// <summary>Formats a shape as Keras prints it in errors: <c>[64, 784]</c>.</summary>
    public static string Format(IReadOnlyList<long> shape) => "[" + string.Join(", ", shape) + "]";

    /// <summary>Formats a per-example shape with a leading unknown batch dimension: <c>(None, 784)</c>.</summary>
    public static string FormatWithBatch(IReadOnlyList<long> shape) =>
        "(None" + string.Concat(shape.Select(d => ", " + d)) + ")";

    /// <summary>Number of elements in a shape.</summary>
    public static long Product(IReadOnlyList<long> shape)
    {
        long n = 1;
        foreach (var d in shape) n *= d;
        return n;
    }

    /// <summary>Whether two shapes are equal element by element.</summary>
    public static bool Equal(IReadOnlyList<long> a, IReadOnlyList<long> b) => a.SequenceEqual(b);

    /// <summary>Converts a Keras-style class name to a snake_case layer name prefix.</summary>
    public static string SnakeCase(string typeName)
    {
        var chars = new System.Text.StringBuilder();
        for (int i = 0; i < typeName.Length; i++)
        {
            char c = typeName[i];
            bool boundary = i > 0 && char.IsUpper(c) &&
                (char.IsLower(typeName[i - 1]) || (i + 1 < typeName.Length && char.IsLower(typeName[i + 1])));
            if (boundary) chars.Append('_');
            chars.Append(char.ToLowerInvariant(c));
        }
        return chars.ToString();
    }
}
