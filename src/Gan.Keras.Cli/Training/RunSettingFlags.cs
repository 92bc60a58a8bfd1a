using System.Reflection;
using System.Text.Json.Nodes;
using Gan.Keras.Training.Runs;
using Spectre.Console.Cli;

namespace Gan.Keras.Cli.Training;

/// <summary>
/// Binds command-line flags to run settings: a flag whose long name is a <see cref="RunConfiguration"/> key
/// (<c>--batch-size</c> ↔ <c>batch-size</c>) sets that key when given, so the keys are listed once, by the record.
/// </summary>
internal static class RunSettingFlags
{
    /// <summary>Gets the run settings given as flags on <paramref name="settings"/>, by key.</summary>
    public static JsonObject Bind(CommandSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var given = new JsonObject();
        foreach (var property in settings.GetType().GetProperties())
        {
            var option = property.GetCustomAttribute<CommandOptionAttribute>();
            string? key = option?.LongNames.FirstOrDefault(RunConfiguration.Keys.Contains);
            if (key is null || property.GetValue(settings) is not { } value) continue;
            given[key] = value switch
            {
                string text => JsonValue.Create(text),
                int number => JsonValue.Create(number),
                long number => JsonValue.Create(number),
                _ => throw new InvalidOperationException($"Flag --{key} has type {value.GetType().Name}, which run settings do not bind."),
            };
        }
        return given;
    }
}
