using Gan.Keras.Internal;
using TorchSharp;

namespace Gan.Keras.Layers;

/// <summary>
/// Joins several tensors along one axis, as Keras's <c>Concatenate</c>. It takes a list of inputs:
/// call <see cref="Call(IReadOnlyList{torch.Tensor}, bool)"/> from a subclassed <see cref="Models.Model"/>
/// (e.g. a latent vector and a label embedding in a conditional generator).
/// </summary>
/// <remarks>
/// <para>The single-input <see cref="Layer"/> contract does not fit a layer with several inputs, so this layer keeps its
/// own list of input shapes (<see cref="InputShapes"/>) and computes shapes with
/// <see cref="ComputeOutputShape(IReadOnlyList{IReadOnlyList{long}})"/>; it cannot be a step of a
/// <see cref="Models.Sequential"/>. It has no weights.</para>
/// <para>The axis counts the batch, as in Keras. The default 1 is the channel axis of NCHW images and the feature axis
/// of <c>[batch, features]</c>: Keras's default <c>axis=-1</c> on channels-last data.</para>
/// </remarks>
public sealed class Concatenate : Layer
{
    private long[][]? inputShapes;

    /// <summary>Initializes a new instance of the <see cref="Concatenate"/> class.</summary>
    /// <param name="axis">The axis to join along, counting the batch as axis 0 (negative counts from the end); not the batch axis.</param>
    /// <param name="name">Layer name.</param>
    public Concatenate(int axis = 1, string? name = null) : base(name)
    {
        if (axis == 0)
            throw new ArgumentOutOfRangeException(nameof(axis), axis, "Concatenate cannot join along the batch axis 0; use axis 1 (channels/features) or a negative axis.");
        Axis = axis;
    }

    /// <summary>Gets the axis (batch counted as axis 0).</summary>
    public int Axis { get; }

    /// <summary>Gets the per-example shapes of the inputs the layer was first called with, or null before.</summary>
    public IReadOnlyList<IReadOnlyList<long>>? InputShapes => inputShapes;

    /// <summary>Concatenates the inputs along <see cref="Axis"/>.</summary>
    /// <param name="inputs">Two or more tensors with the same batch size and the same shape except along the axis.</param>
    /// <param name="training">Unused (no training behaviour).</param>
    /// <returns>A new tensor.</returns>
    /// <exception cref="IncompatibleInputException">Fewer than two inputs, or shapes that differ off the axis.</exception>
    public torch.Tensor Call(IReadOnlyList<torch.Tensor> inputs, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var shapes = inputs.Select(t => (IReadOnlyList<long>)(t ?? throw new ArgumentNullException(nameof(inputs))).shape.Skip(1).ToArray()).ToArray();
        if (inputs.Count > 0 && inputs.Any(t => t.shape[0] != inputs[0].shape[0]))
            throw new IncompatibleInputException(
                $"Layer '{Name}' (Concatenate) received batches of different sizes: {string.Join(", ", inputs.Select(t => Shapes.Format(t.shape)))}. Give every input the same batch size.",
                new[] { inputs[0].shape[0] }, inputs.Select(t => t.shape[0]).ToArray());
        ComputeOutputShape(shapes);
        inputShapes ??= shapes.Select(s => s.ToArray()).ToArray();
        return torch.cat(inputs.ToArray(), ResolveAxis(inputs[0].dim()));
    }

    /// <summary>Not supported: Concatenate needs a list of inputs.</summary>
    /// <exception cref="IncompatibleInputException">Always; call <see cref="Call(IReadOnlyList{torch.Tensor}, bool)"/>.</exception>
    public override torch.Tensor Call(torch.Tensor inputs, bool training = false) =>
        throw new IncompatibleInputException(
            $"Layer '{Name}' (Concatenate) joins several inputs: call Call(new[] {{ a, b }}) from a subclassed Model instead of giving it one tensor (it cannot be a step of a Sequential).",
            Array.Empty<long>(), inputs?.shape ?? Array.Empty<long>());

    /// <summary>Computes the per-example output shape from the inputs' per-example shapes.</summary>
    /// <param name="inputShapes">The inputs' shapes without the batch dimension.</param>
    /// <exception cref="IncompatibleInputException">Fewer than two inputs, or shapes that differ off the axis.</exception>
    public IReadOnlyList<long> ComputeOutputShape(IReadOnlyList<IReadOnlyList<long>> inputShapes)
    {
        ArgumentNullException.ThrowIfNull(inputShapes);
        if (inputShapes.Count < 2)
            throw new IncompatibleInputException($"Layer '{Name}' (Concatenate) needs at least 2 inputs, but received {inputShapes.Count}.", new long[] { 2 }, new long[] { inputShapes.Count });
        int rank = inputShapes[0].Count;
        int axis = ResolveAxis(rank + 1) - 1;
        foreach (var shape in inputShapes)
        {
            bool compatible = shape.Count == rank && Enumerable.Range(0, rank).All(d => d == axis || shape[d] == inputShapes[0][d]);
            if (!compatible)
                throw new IncompatibleInputException(
                    $"Layer '{Name}' (Concatenate) along axis {Axis} needs inputs that match on every other axis, but received {string.Join(", ", inputShapes.Select(Shapes.FormatWithBatch))}.",
                    inputShapes[0], shape);
        }
        var output = inputShapes[0].ToArray();
        output[axis] = inputShapes.Sum(s => s[axis]);
        return output;
    }

    /// <summary>Not supported for one shape: use <see cref="ComputeOutputShape(IReadOnlyList{IReadOnlyList{long}})"/>.</summary>
    /// <exception cref="InvalidOperationException">Always.</exception>
    public override IReadOnlyList<long> ComputeOutputShape(IReadOnlyList<long> inputShape) =>
        throw new InvalidOperationException($"Layer '{Name}' (Concatenate) has several inputs: use ComputeOutputShape(IReadOnlyList<IReadOnlyList<long>>).");

    /// <inheritdoc />
    public override LayerConfig GetConfig() => new ConcatenateConfig(Axis, ConfigName);

    private int ResolveAxis(long rank)
    {
        long axis = Axis < 0 ? rank + Axis : Axis;
        if (axis <= 0 || axis >= rank)
            throw new IncompatibleInputException($"Layer '{Name}' (Concatenate) axis {Axis} is out of range for inputs of rank {rank} (batch included), or is the batch axis.",
                new long[] { Axis }, new[] { rank });
        return (int)axis;
    }
}

/// <summary>Configuration of a <see cref="Concatenate"/> layer.</summary>
/// <param name="Axis">The axis, batch counted as 0.</param>
/// <param name="Name">Layer name.</param>
public sealed record ConcatenateConfig(int Axis, string? Name) : LayerConfig(Name)
{
    /// <inheritdoc />
    public override Layer CreateLayer() => new Concatenate(Axis, Name);
}
