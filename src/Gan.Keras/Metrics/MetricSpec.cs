using Gan.Keras.Losses;

namespace Gan.Keras.Metrics;

/// <summary>
/// A metric as <c>Compile</c> takes it, Keras's <c>metrics=[...]</c> entry: a name (<c>"accuracy"</c>,
/// <c>"binary_accuracy"</c>, ...) or a <see cref="MeanMetricWrapper"/> object. Both convert implicitly, so
/// <c>metrics: ["accuracy"]</c> reads as in Keras.
/// </summary>
/// <remarks>
/// <c>"accuracy"</c> (or <c>"acc"</c>) picks the accuracy that fits the output's loss, as Keras does: binary for
/// <see cref="BinaryCrossentropy"/>, sparse categorical for <see cref="SparseCategoricalCrossentropy"/>, categorical for
/// <see cref="CategoricalCrossentropy"/>, and otherwise binary for one unit and categorical for several. A name makes a
/// new metric for every output; an object serves one output only.
/// </remarks>
public readonly struct MetricSpec : IEquatable<MetricSpec>
{
    private static readonly string[] Names = { "accuracy", "acc", "binary_accuracy", "sparse_categorical_accuracy", "categorical_accuracy" };

    private MetricSpec(string? name, MeanMetricWrapper? metric)
    {
        Name = name;
        Metric = metric;
    }

    /// <summary>Gets the metric's Keras name, or null for an object.</summary>
    public string? Name { get; }

    /// <summary>Gets the metric object, or null for a name.</summary>
    public MeanMetricWrapper? Metric { get; }

    /// <summary>Makes a metric specification from a Keras name.</summary>
    /// <param name="name">One of <c>accuracy</c>, <c>acc</c>, <c>binary_accuracy</c>, <c>sparse_categorical_accuracy</c>, <c>categorical_accuracy</c>.</param>
    public static implicit operator MetricSpec(string name) => FromName(name);

    /// <summary>Makes a metric specification from a metric object.</summary>
    /// <param name="metric">The metric.</param>
    public static implicit operator MetricSpec(MeanMetricWrapper metric) => FromMetric(metric);

    /// <summary>Makes a metric specification from a Keras name.</summary>
    /// <param name="name">One of <c>accuracy</c>, <c>acc</c>, <c>binary_accuracy</c>, <c>sparse_categorical_accuracy</c>, <c>categorical_accuracy</c>.</param>
    /// <exception cref="ArgumentException">The name is not one of those.</exception>
    public static MetricSpec FromName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!Names.Contains(name))
            throw new ArgumentException($"Unknown metric '{name}'; use one of {string.Join(", ", Names)}, or pass a metric object.", nameof(name));
        return new MetricSpec(name, null);
    }

    /// <summary>Makes a metric specification from a metric object.</summary>
    /// <param name="metric">The metric.</param>
    public static MetricSpec FromMetric(MeanMetricWrapper metric) => new(null, metric ?? throw new ArgumentNullException(nameof(metric)));

    /// <summary>Creates the metric for one output: a new one for a name (chosen from the output's loss and units), the object itself otherwise.</summary>
    /// <param name="loss">The output's loss.</param>
    /// <param name="units">The output's last dimension, or null when unknown.</param>
    internal MeanMetricWrapper Create(Loss loss, long? units)
    {
        if (Metric is not null) return Metric;
        return Name switch
        {
            "binary_accuracy" => new BinaryAccuracy(name: Name),
            "sparse_categorical_accuracy" => new SparseCategoricalAccuracy(Name),
            "categorical_accuracy" => new CategoricalAccuracy(Name),
            _ => loss switch
            {
                BinaryCrossentropy bce => new BinaryAccuracy(bce.FromLogits ? 0 : 0.5, Name),
                SparseCategoricalCrossentropy => new SparseCategoricalAccuracy(Name),
                CategoricalCrossentropy => new CategoricalAccuracy(Name),
                _ => units is 1 ? new BinaryAccuracy(name: Name) : new CategoricalAccuracy(Name),
            },
        };
    }

    /// <inheritdoc />
    public bool Equals(MetricSpec other) => Name == other.Name && ReferenceEquals(Metric, other.Metric);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is MetricSpec other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Name, Metric);

    /// <summary>Compares two specifications.</summary>
    /// <param name="left">The first.</param>
    /// <param name="right">The second.</param>
    public static bool operator ==(MetricSpec left, MetricSpec right) => left.Equals(right);

    /// <summary>Compares two specifications.</summary>
    /// <param name="left">The first.</param>
    /// <param name="right">The second.</param>
    public static bool operator !=(MetricSpec left, MetricSpec right) => !left.Equals(right);

    /// <inheritdoc />
    public override string ToString() => Name ?? Metric!.Name;
}
