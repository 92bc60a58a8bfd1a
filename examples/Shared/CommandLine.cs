using System.Globalization;
using System.Text.RegularExpressions;
using Spectre.Console.Cli;

namespace Gan.Keras.Examples;

/// <summary>
/// Runs a Spectre.Console.Cli app the way the examples and the benchmarks all do: invariant culture, strict parsing,
/// and errors as one line and an exit code (2 for a usage error, 1 for a failure while running).
/// </summary>
internal static partial class CommandLine
{
    public static int Run(ICommandApp app, string applicationName, string[] args)
    {
        app.Configure(config =>
        {
            config.SetApplicationName(applicationName);
            config.Settings.Culture = CultureInfo.InvariantCulture;
            config.PropagateExceptions();
            config.UseStrictParsing();
        });
        try
        {
            return app.Run(args);
        }
        catch (CommandAppException e)
        {
            Console.Error.WriteLine($"error: {Explain(e.Message, args)} Run with --help for usage.");
            return 2;
        }
        catch (Exception e) when (e is IOException or ArgumentException or InvalidDataException or InvalidOperationException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }

    /// <summary>Spectre.Console.Cli says "Failed to convert 'abc' to Nullable`1."; name the option and the kind of value instead.</summary>
    private static string Explain(string message, string[] args)
    {
        var match = ConversionFailure().Match(message);
        if (!match.Success) return message;
        string value = match.Groups[1].Value;
        int index = Array.IndexOf(args, value);
        string option = index > 0 && args[index - 1].StartsWith('-') ? args[index - 1] : "an option";
        return $"Option {option} needs a number, but got '{value}'.";
    }

    [GeneratedRegex("^Failed to convert '(.*)' to .+\\.$")]
    private static partial Regex ConversionFailure();
}
