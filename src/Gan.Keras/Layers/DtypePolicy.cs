using TorchSharp;

namespace Gan.Keras.Layers;

/// <summary>
/// A layer's dtype policy, as Keras's <c>keras.DTypePolicy</c>: the dtype its variables are stored in and the dtype it
/// computes in. <c>mixed_bfloat16</c> and <c>mixed_float16</c> keep variables in float32 and compute in the low
/// precision (Micikevicius et al., "Mixed Precision Training", ICLR 2018).
/// </summary>
/// <remarks>
/// <para>Every layer takes the <see cref="Global"/> policy when it is constructed (Keras's
/// <c>keras.mixed_precision.set_global_policy</c>); set <see cref="Layer.DtypePolicy"/> before the layer is built to
/// give one layer another (Keras's per-layer <c>dtype</c> argument):
/// <c>new Dense(1) { DtypePolicy = DtypePolicy.Float32 }</c>.</para>
/// <para>A layer under a mixed policy casts its floating inputs to the compute dtype and reads its trainable variables
/// cast to it (the cast is differentiable, so gradients reach the float32 variables in float32); batch normalisation
/// keeps its statistics and arithmetic in float32. Outputs a loss is computed from are cast back to float32, and every
/// loss is float32. <c>mixed_float16</c> needs loss scaling against gradient underflow, which <c>Compile</c> adds
/// (<see cref="Optimizers.DynamicLossScale"/>); bfloat16 has float32's exponent range and needs none.</para>
/// <para>TorchSharp 0.107 has no autocast: the layers do the casting themselves, as Keras's layers do.</para>
/// </remarks>
public sealed class DtypePolicy : IEquatable<DtypePolicy>
{
    private static DtypePolicy global = new("float32", torch.ScalarType.Float32, torch.ScalarType.Float32);

    private DtypePolicy(string name, torch.ScalarType variableDtype, torch.ScalarType computeDtype) =>
        (Name, VariableDtype, ComputeDtype) = (name, variableDtype, computeDtype);

    /// <summary>Gets the default policy: float32 variables and computation.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720", Justification = "Keras's policy name; torch.float32 names the same type.")]
    public static DtypePolicy Float32 { get; } = FromName("float32");

    /// <summary>Gets the float64 policy: float64 variables and computation.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720", Justification = "Keras's policy name; torch.float32 names the same type.")]
    public static DtypePolicy Float64 { get; } = FromName("float64");

    /// <summary>Gets the bfloat16 policy: bfloat16 variables and computation (no float32 master copy).</summary>
    public static DtypePolicy BFloat16 { get; } = FromName("bfloat16");

    /// <summary>Gets the <c>mixed_bfloat16</c> policy: float32 variables, bfloat16 computation.</summary>
    public static DtypePolicy MixedBFloat16 { get; } = FromName("mixed_bfloat16");

    /// <summary>Gets the <c>mixed_float16</c> policy: float32 variables, float16 computation, with loss scaling in training.</summary>
    public static DtypePolicy MixedFloat16 { get; } = FromName("mixed_float16");

    /// <summary>Gets the policy names, as Keras spells them.</summary>
    public static IReadOnlyList<string> Names { get; } = new[] { "float32", "float64", "bfloat16", "mixed_bfloat16", "mixed_float16" };

    /// <summary>
    /// Gets or sets the policy layers take when they are constructed (Keras's global policy); <see cref="Float32"/>
    /// by default. Layers made earlier keep theirs. The setting is process-wide.
    /// </summary>
    public static DtypePolicy Global
    {
        get => Volatile.Read(ref global);
        set => Volatile.Write(ref global, value ?? throw new ArgumentNullException(nameof(value)));
    }

    /// <summary>Gets the policy's Keras name (<c>mixed_bfloat16</c>).</summary>
    public string Name { get; }

    /// <summary>Gets the dtype variables are created and stored in.</summary>
    public torch.ScalarType VariableDtype { get; }

    /// <summary>Gets the dtype the layer computes in.</summary>
    public torch.ScalarType ComputeDtype { get; }

    /// <summary>Gets a value indicating whether variables and computation differ in dtype (the <c>mixed_*</c> policies).</summary>
    public bool IsMixed => VariableDtype != ComputeDtype;

    /// <summary>Gets a value indicating whether training needs loss scaling against float16 gradient underflow.</summary>
    public bool NeedsLossScaling => ComputeDtype == torch.ScalarType.Float16;

    /// <summary>Returns the policy named <paramref name="name"/> (<c>float32</c>, <c>float64</c>, <c>bfloat16</c>, <c>mixed_bfloat16</c>, <c>mixed_float16</c>).</summary>
    /// <exception cref="ArgumentException">The name is not a policy.</exception>
    public static DtypePolicy FromName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name switch
        {
            "float32" => new(name, torch.ScalarType.Float32, torch.ScalarType.Float32),
            "float64" => new(name, torch.ScalarType.Float64, torch.ScalarType.Float64),
            "bfloat16" => new(name, torch.ScalarType.BFloat16, torch.ScalarType.BFloat16),
            "mixed_bfloat16" => new(name, torch.ScalarType.Float32, torch.ScalarType.BFloat16),
            "mixed_float16" => new(name, torch.ScalarType.Float32, torch.ScalarType.Float16),
            _ => throw new ArgumentException($"Unknown dtype policy '{name}'. Valid: {string.Join(", ", Names)}.", nameof(name)),
        };
    }

    /// <summary>
    /// Sets <see cref="Global"/> to <paramref name="policy"/> until the returned object is disposed, then restores the
    /// previous one: build models inside it.
    /// </summary>
    /// <example><code>
    /// using (DtypePolicy.UseGlobal(DtypePolicy.MixedBFloat16))
    ///     generator = new Sequential(new Layer[] { new Dense(128, "relu"), new Dense(784, "tanh") }, new long[] { 100 });
    /// </code></example>
    public static IDisposable UseGlobal(DtypePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var previous = Global;
        Global = policy;
        return new Restore(previous);
    }

    /// <summary>Gets whether <paramref name="dtype"/> is a 16-bit floating type (float16 or bfloat16).</summary>
    internal static bool IsHalf(torch.ScalarType dtype) => dtype is torch.ScalarType.Float16 or torch.ScalarType.BFloat16;

    /// <inheritdoc />
    public bool Equals(DtypePolicy? other) => other is not null && Name == other.Name;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is DtypePolicy other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Name);

    /// <summary>Returns the policy's name.</summary>
    public override string ToString() => Name;

    private sealed class Restore(DtypePolicy previous) : IDisposable
    {
        private bool done;

        public void Dispose()
        {
            if (done) return;
            done = true;
            Global = previous;
        }
    }
}
