using System.Globalization;
using Microsoft.Extensions.Primitives;

namespace Gan.Keras.Cli.Serving;

/// <summary>
/// The query of <c>GET /api/samples</c>, checked against the served generator: <c>seed</c> (required), <c>n</c>
/// (1–<see cref="MaxSamples"/>, default 16), <c>labels</c> (conditional generators: one class for every sample, or
/// exactly <c>n</c> comma-separated classes), and for interpolation <c>to</c> (a second seed) with <c>t</c> in [0, 1].
/// </summary>
/// <param name="Seed">The seed of the latent vectors (as <c>gan sample --seed</c>).</param>
/// <param name="Count">The number of samples.</param>
/// <param name="Labels">One class per sample for a conditional generator (cycling 0, 1, … when not given), else null.</param>
/// <param name="To">The seed to interpolate towards, or null.</param>
/// <param name="T">Where between <see cref="Seed"/> (0) and <see cref="To"/> (1) the latent vectors lie.</param>
internal sealed record SampleQuery(long Seed, int Count, long[]? Labels, long? To, double T)
{
    /// <summary>The most samples one request may ask for.</summary>
    public const int MaxSamples = 256;

    /// <summary>The largest seed (seeds are unsigned 32-bit numbers, which a browser's JavaScript holds exactly).</summary>
    public const long MaxSeed = uint.MaxValue;

    private const int DefaultCount = 16;
    private static readonly string[] Keys = { "seed", "n", "labels", "to", "t" };

    /// <summary>Parses and checks a query; on failure returns null and a one-line reason.</summary>
    /// <param name="query">The query's keys and values.</param>
    /// <param name="numClasses">The generator's classes, or null when it is not conditional.</param>
    public static (SampleQuery? Query, string? Error) Parse(IEnumerable<KeyValuePair<string, StringValues>> query, int? numClasses)
    {
        ArgumentNullException.ThrowIfNull(query);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in query)
        {
            if (!Keys.Contains(key)) return Fail($"unknown parameter '{key}'; valid parameters: {string.Join(", ", Keys)}");
            if (value.Count != 1) return Fail($"parameter '{key}' is given {value.Count} times; give it once");
            values[key] = value[0] ?? string.Empty;
        }
        if (!values.TryGetValue("seed", out var seedText)) return Fail($"missing parameter 'seed' (a whole number from 0 to {MaxSeed})");
        var (seedValue, seedError) = ParseSeed("seed", seedText);
        if (seedValue is not { } seed) return Fail(seedError!);

        int count = DefaultCount;
        if (values.TryGetValue("n", out var countText))
        {
            if (!long.TryParse(countText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long n))
                return Fail($"n '{countText}' is not a whole number");
            if (n > MaxSamples) return Fail($"n = {n} is too many: at most {MaxSamples} samples per request");
            if (n < 1) return Fail($"n = {n}: ask for at least 1 sample");
            count = (int)n;
        }

        long? to = null;
        double t = 0;
        bool hasTo = values.TryGetValue("to", out var toText), hasT = values.TryGetValue("t", out var tText);
        if (hasTo != hasT) return Fail(hasTo ? "'to' needs 't' (0 to 1): where between seed and to the samples lie" : "'t' needs 'to': the seed to interpolate towards");
        if (hasTo)
        {
            var (parsed, error) = ParseSeed("to", toText!);
            if (parsed is null) return Fail(error!);
            to = parsed;
            if (!double.TryParse(tText, NumberStyles.Float, CultureInfo.InvariantCulture, out t) || !double.IsFinite(t))
                return Fail($"t '{tText}' is not a number");
            if (t is < 0 or > 1) return Fail($"t = {tText.ToString(CultureInfo.InvariantCulture)} is out of range: use 0 (seed) to 1 (to)");
        }

        long[]? labels = null;
        if (values.TryGetValue("labels", out var labelText))
        {
            if (numClasses is null) return Fail("labels: this generator is not conditional, so it takes no labels");
            var parts = labelText.Split(',');
            labels = new long[parts.Length];
            for (int i = 0; i < parts.Length; i++)
            {
                if (!long.TryParse(parts[i], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out labels[i]))
                    return Fail($"labels: '{parts[i]}' is not a class number (give comma-separated whole numbers such as 3 or 0,1,2)");
                if (labels[i] < 0 || labels[i] >= numClasses)
                    return Fail($"unknown label {labels[i]}: this generator's classes are 0 to {numClasses - 1}");
            }
            if (labels.Length != 1 && labels.Length != count)
                return Fail($"labels: give one class for all samples or one per sample ({count}), not {labels.Length}");
            if (labels.Length == 1) labels = Enumerable.Repeat(labels[0], count).ToArray();
        }
        else if (numClasses is { } classes)
        {
            labels = Enumerable.Range(0, count).Select(i => (long)(i % classes)).ToArray();
        }
        return (new SampleQuery(seed, count, labels, to, t), null);
    }

    private static (long? Seed, string? Error) ParseSeed(string name, string text)
    {
        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long seed))
            return (null, text.Length > 0 && text.All(c => c is >= '0' and <= '9')
                ? $"{name} {text} is out of range: use 0 to {MaxSeed}"
                : $"{name} '{text}' is not a whole number (use 0 to {MaxSeed})");
        if (seed < 0 || seed > MaxSeed) return (null, $"{name} {seed} is out of range: use 0 to {MaxSeed}");
        return (seed, null);
    }

    private static (SampleQuery?, string?) Fail(string reason) => (null, reason);
}
