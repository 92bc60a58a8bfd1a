using System.Globalization;

namespace Gan.Keras.Benchmarks;

/// <summary>Command-line options of the benchmark runner (<c>--name value</c> pairs after the benchmark's name).</summary>
internal sealed class BenchmarkOptions
{
    private readonly Dictionary<string, string> values;

    private BenchmarkOptions(string command, Dictionary<string, string> values)
    {
        Command = command;
        this.values = values;
    }

    public string Command { get; }

    public int Threads => Int("threads", 1);

    public string? Out => values.GetValueOrDefault("out");

    public static BenchmarkOptions Parse(string[] args)
    {
        string command = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : "mixtures";
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = command == (args.Length > 0 ? args[0] : null) ? 1 : 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
                throw new ArgumentException($"Expected an option like --steps, got '{args[i]}'.", nameof(args));
            string key = args[i][2..];
            values[key] = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : "true";
        }
        return new BenchmarkOptions(command, values);
    }

    public IReadOnlyList<string> List(string key, string fallback) =>
        values.GetValueOrDefault(key, fallback).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public int Int(string key, int fallback) =>
        values.TryGetValue(key, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public double Double(string key, double fallback) =>
        values.TryGetValue(key, out var v) ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public string? String(string key) => values.GetValueOrDefault(key);
}
