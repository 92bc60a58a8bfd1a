using Gan.Keras.Export.Onnx;
using Gan.Keras.Internal;
using TorchSharp;

namespace Gan.Keras.Layers;

/// <summary>
/// Joins several tensors along one axis, as Keras's <c>Concatenate</c> (e.g. a latent vector and a label embedding in a
/// conditional generator: <c>new Concatenate().Call(noise, embedded)</c>).
/// </summary>
/// <remarks>
/// The axis counts the batch, as in Keras. The default 1 is the channel axis of NCHW images and the feature axis of
/// <c>[batch, features]</c>: Keras's default <c>axis=-1</c> on channels-last data.
/// </remarks>
public sealed class Concatenate : MergeLayer
{
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

    /// <inheritdoc />
    public override LayerConfig GetConfig() => new ConcatenateConfig(Axis, ConfigName);

    /// <inheritdoc />
    protected override torch.Tensor Merge(IReadOnlyList<torch.Tensor> inputs) => torch.cat(inputs.ToArray(), ResolveAxis(inputs[0].dim()));

    /// <inheritdoc />
    protected override string ExportMerge(OnnxExportContext onnx, IReadOnlyList<string> inputs) =>
        onnx.AddNode("Concat", inputs, OnnxAttribute.Int("axis", ResolveAxis(InputShapes![0].Count + 1)));

    /// <inheritdoc />
    protected override IReadOnlyList<long> MergedShape(IReadOnlyList<IReadOnlyList<long>> inputShapes)
    {
        int rank = inputShapes[0].Count;
        int axis = ResolveAxis(rank + 1) - 1;
        foreach (var shape in inputShapes)
        {
            bool compatible = shape.Count == rank && Enumerable.Range(0, rank).All(d => d == axis || shape[d] == inputShapes[0][d]);
            if (!compatible)
                throw new IncompatibleInputException(
                    $"Layer '{DisplayName}' (Concatenate) along axis {Axis} needs inputs that match on every other axis, but received {string.Join(", ", inputShapes.Select(Shapes.FormatWithBatch))}.",
                    inputShapes[0], shape);
        }
        var output = inputShapes[0].ToArray();
        output[axis] = inputShapes.Sum(s => s[axis]);
        return output;
    }

    private int ResolveAxis(long rank)
    {
        long axis = Axis < 0 ? rank + Axis : Axis;
        if (axis <= 0 || axis >= rank)
            throw new IncompatibleInputException($"Layer '{DisplayName}' (Concatenate) axis {Axis} is out of range for inputs of rank {rank} (batch included), or is the batch axis.",
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
