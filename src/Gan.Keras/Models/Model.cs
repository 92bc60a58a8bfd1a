using System.Globalization;
using System.Text;
using Gan.Keras.Internal;
using Gan.Keras.Layers;
using TorchSharp;

namespace Gan.Keras.Models;

/// <summary>
/// A layer made of layers, as Keras's subclassed <c>Model</c>: keep sublayers in fields, call
/// <c>RegisterComponents()</c> at the end of the constructor (TorchSharp finds them there), and override
/// <see cref="Call"/> to compose them.
/// </summary>
public abstract partial class Model : Layer
{
    /// <summary>Initializes a new instance of the <see cref="Model"/> class.</summary>
    /// <param name="name">The model's name (<c>generator</c>, <c>discriminator</c>).</param>
    protected Model(string? name) : base(name) { }

    /// <summary>Gets the model's layers in order.</summary>
    public IReadOnlyList<Layer> Layers
    {
        get
        {
            foreach (var (childName, child) in named_children())
                if (child is Layer layer && layer.Name.Length == 0) layer.AssignName(childName);
            return SubLayers;
        }
    }

    /// <summary>Computes the model on a batch. Subclasses compose their sublayers here.</summary>
    public abstract override torch.Tensor Call(torch.Tensor inputs, bool training = false);

    /// <summary>Infers the output shape by running the model on one example of zeros (without gradients).</summary>
    public override IReadOnlyList<long> ComputeOutputShape(IReadOnlyList<long> inputShape)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var output = Call(torch.zeros(new long[] { 1 }.Concat(inputShape).ToArray()), training: false);
        return output.shape.Skip(1).ToArray();
    }

    /// <inheritdoc />
    public override LayerConfig GetConfig() => new ModelConfig(GetType().FullName ?? GetType().Name, Layers.Select(l => l.GetConfig()).ToArray(), Name);

    /// <summary>
    /// Returns a Keras-style table of the layers, their output shapes and parameter counts (non-trainable weights such as
    /// moving statistics included, as Keras counts them), with Keras's "Connected to" column for functional models.
    /// </summary>
    public string Summary()
    {
        var rows = SummaryRows();
        bool connected = rows.Any(r => r.ConnectedTo is not null);
        int w1 = Math.Max(28, rows.Select(r => r.Layer.Length + 2).DefaultIfEmpty(0).Max());
        int w2 = Math.Max(26, rows.Select(r => r.Shape.Length + 2).DefaultIfEmpty(0).Max());
        // The dtype policy column appears when any layer is not float32 (Layer.DtypePolicy.cs).
        var policies = PolicyColumn();
        int w3 = connected || policies is not null ? 12 : 0;
        int w4 = policies is null ? 0 : Math.Max(16, policies.Max(p => p.Length) + 2);
        int width = w1 + w2 + (w3 == 0 ? 12 : w3) + w4 + (connected ? Math.Max(20, rows.SelectMany(r => r.ConnectedTo ?? Array.Empty<string>()).Select(c => c.Length).DefaultIfEmpty(0).Max()) : 0);
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Model: \"{Name}\"");
        text.AppendLine(new string('_', width));
        text.AppendLine(" " + "Layer (type)".PadRight(w1 - 1) + "Output Shape".PadRight(w2) + (w3 == 0 ? "Param #" : "Param #".PadRight(w3))
            + (policies is null ? string.Empty : connected ? "Dtype policy".PadRight(w4) : "Dtype policy") + (connected ? "Connected to" : string.Empty));
        text.AppendLine(new string('=', width));
        for (int i = 0; i < rows.Count; i++)
        {
            string count = rows[i].Params.ToString(CultureInfo.InvariantCulture);
            var links = rows[i].ConnectedTo ?? Array.Empty<string>();
            string policy = policies is null ? string.Empty : connected ? policies[i].PadRight(w4) : policies[i];
            text.AppendLine(" " + rows[i].Layer.PadRight(w1 - 1) + rows[i].Shape.PadRight(w2) + (w3 == 0 ? count : count.PadRight(w3)) + policy + (connected && links.Count > 0 ? links[0] : string.Empty));
            foreach (var link in links.Skip(1)) text.AppendLine(new string(' ', w1 + w2 + w3 + w4) + link);
            text.AppendLine(i == rows.Count - 1 ? new string('=', width) : new string('_', width));
        }
        if (rows.Count == 0) text.AppendLine(new string('=', width));
        long trainable = TrainableVariables.Sum(v => v.numel());
        long total = CountParams();
        text.AppendLine(CultureInfo.InvariantCulture, $"Total params: {total:N0}");
        text.AppendLine(CultureInfo.InvariantCulture, $"Trainable params: {trainable:N0}");
        text.AppendLine(CultureInfo.InvariantCulture, $"Non-trainable params: {total - trainable:N0}");
        return text.ToString();
    }

    /// <summary>One row of <see cref="Summary"/>: the layer, its output shape, its parameter count and, in a graph, the tensors it is called on.</summary>
    private protected sealed record SummaryRow(string Layer, string Shape, long Params, IReadOnlyList<string>? ConnectedTo);

    /// <summary>The rows of <see cref="Summary"/>: by default the layers in order, each shape computed from the previous one.</summary>
    private protected virtual IReadOnlyList<SummaryRow> SummaryRows()
    {
        var rows = new List<SummaryRow>();
        IReadOnlyList<long>? shape = InputShapes is { Count: 1 } ? InputShapes[0] : null;
        foreach (var layer in Layers)
        {
            if (shape is not null) shape = layer.Built ? layer.OutputShape : layer.ComputeOutputShape(shape);
            rows.Add(new SummaryRow($"{layer.Name} ({layer.GetType().Name})", shape is null ? "? (not built)" : Shapes.FormatWithBatch(shape), layer.CountParams(), null));
        }
        return rows;
    }

    /// <inheritdoc />
    /// <remarks>A subclassed model's <c>Call</c> is C# code, which has no ONNX form: build the model as a <see cref="Functional"/> or <see cref="Sequential"/> to export it.</remarks>
    protected internal override string ExportOnnx(Export.Onnx.OnnxExportContext onnx, string input) =>
        (onnx ?? throw new ArgumentNullException(nameof(onnx))).Refuse(this, "is a subclassed Model whose Call is C# code, which has no ONNX form; build it as a Functional or Sequential model");

    /// <summary>Builds a subclassed model by running it once on zeros, which builds every sublayer.</summary>
    protected override void BuildWeights(IReadOnlyList<long> inputShape)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        Call(torch.zeros(new long[] { 1 }.Concat(inputShape).ToArray()), training: false);
    }
}

/// <summary>Configuration of a model: its type and its layers' configurations.</summary>
/// <param name="TypeName">The model's .NET type.</param>
/// <param name="Layers">Each layer's configuration, in order.</param>
/// <param name="Name">The model's name.</param>
public sealed record ModelConfig(string TypeName, IReadOnlyList<LayerConfig> Layers, string? Name) : LayerConfig(Name)
{
    /// <summary>Creates a <see cref="Sequential"/> from the layer configurations (subclassed models are rebuilt by their own constructors).</summary>
    public override Layer CreateLayer() => new Sequential(Layers.Select(l => l.CreateLayer()), name: Name);

    /// <inheritdoc />
    public bool Equals(ModelConfig? other) => other is not null && TypeName == other.TypeName && Name == other.Name && Layers.SequenceEqual(other.Layers);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(TypeName, Name, Layers.Count);
}
