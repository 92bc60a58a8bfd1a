using Gan.Keras.Internal;

namespace Gan.Keras.Layers;

/// <summary>Thrown when a layer or model receives input of a shape it was not built for.</summary>
public sealed class IncompatibleInputException : ArgumentException
{
    /// <summary>Initializes a new instance of the <see cref="IncompatibleInputException"/> class.</summary>
    /// <param name="message">The full message: what was wrong, where, and the likely fix.</param>
    /// <param name="expected">The expected shape (without the batch dimension, or a partial description).</param>
    /// <param name="actual">The shape that was received.</param>
    public IncompatibleInputException(string message, IReadOnlyList<long> expected, IReadOnlyList<long> actual)
        : base(message)
    {
        Expected = expected.ToArray();
        Actual = actual.ToArray();
    }

    /// <summary>Gets the shape that was expected.</summary>
    public IReadOnlyList<long> Expected { get; }

    /// <summary>Gets the shape that was received.</summary>
    public IReadOnlyList<long> Actual { get; }

    internal static IncompatibleInputException LastDimension(Layer layer, long expected, IReadOnlyList<long> received, string fix) =>
        new($"Layer '{layer.Name}' ({layer.GetType().Name}) expected input with last dimension {expected}, but received shape {Shapes.Format(received)}. {fix}",
            new[] { expected }, received);
}
