using Gan.Keras.Cli.Commands;
using Gan.Keras.Training.Runs;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Gan.Keras.Cli;

/// <summary>The <c>gan</c> command line: sets up the commands and turns failures into one clear line and an exit code.</summary>
public static class GanCli
{
    /// <summary>Exit code for invalid arguments.</summary>
    public const int UsageError = 2;

    /// <summary>Exit code for a failure while running (bad data, corrupt file, training error).</summary>
    public const int RuntimeError = 1;

    /// <summary>Runs the command line and returns the process exit code.</summary>
    public static int Run(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        bool verbose = args.Contains("--verbose") || args.Contains("-v");
        // A console bound to the current Console.Out (tests and hosts may redirect it between runs).
        AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.ConfigureConsole(AnsiConsole.Console);
            config.SetApplicationName("gan");
            config.PropagateExceptions();
            config.UseStrictParsing();
            config.AddCommand<TrainCommand>("train")
                .WithDescription("Train a GAN (default: a small MLP GAN on the built-in ring of 8 Gaussians, no download).");
            config.AddCommand<SampleCommand>("sample")
                .WithDescription("Load a saved run (its checkpoint, hash-verified) and write generated samples as a PNG or CSV.");
            config.AddCommand<EvalCommand>("eval")
                .WithDescription("Evaluate a saved generator: mode coverage (ring8, grid25) or FID, KID, precision/recall and class coverage (MNIST-like data).");
            config.AddCommand<ExportCommand>("export")
                .WithDescription("Export a saved run's generator to ONNX (for ONNX Runtime: C#, Python, mobile, the browser; no libtorch needed).");
            config.AddCommand<ServeCommand>("serve")
                .WithDescription("Serve a web page on this machine to explore a saved generator: sample grids by seed, interpolation, classes.");
            config.AddCommand<ParityCommand>("parity")
                .WithDescription("Replay a golden trace recorded by PyTorch or TensorFlow and compare losses and weights.");
        });
        try
        {
            return app.Run(NormalizeArguments(args));
        }
        catch (CommandParseException ex)
        {
            return Fail(UsageError, Explain(ex.Message, args), ex, verbose);
        }
        catch (CommandRuntimeException ex)
        {
            return Fail(UsageError, Explain(ex.Message, args), ex, verbose);
        }
        catch (UsageException ex)
        {
            return Fail(UsageError, ex.Message, ex, verbose);
        }
        catch (RunConfigurationException ex)
        {
            // A setting given as a flag is named as the flag; one read from a file is named by its key in that file.
            return Fail(UsageError, ex.File is null ? ex.Describe(key => "--" + key) : ex.Message, ex, verbose);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or IOException or InvalidDataException or UnauthorizedAccessException or NotSupportedException or Gan.Keras.Training.Distributed.DistributedException)
        {
            return Fail(RuntimeError, ex.Message, ex, verbose);
        }
    }

    /// <summary>Spectre.Console.Cli needs long options of two or more letters: <c>--n 64</c> (as the issue and Keras-style docs write it) is read as <c>-n 64</c>.</summary>
    private static string[] NormalizeArguments(string[] args) =>
        args.Select(a => a == "--n" ? "-n" : a.StartsWith("--n=", StringComparison.Ordinal) ? "-n=" + a[4..] : a).ToArray();

    /// <summary>Spectre.Console.Cli says "Failed to convert 'abc' to Nullable`1."; name the option and the expected kind instead.</summary>
    private static string Explain(string message, string[] args)
    {
        if (message.StartsWith("Unknown option", StringComparison.Ordinal)) return message + " See --help for the valid options.";
        var match = System.Text.RegularExpressions.Regex.Match(message, "^Failed to convert '(.*)' to (.+)\\.$");
        if (!match.Success) return message;
        string value = match.Groups[1].Value;
        int index = Array.IndexOf(args, value);
        string option = index > 0 && args[index - 1].StartsWith('-') ? args[index - 1] : "an option";
        string kind = match.Groups[2].Value is "Nullable`1" or "Int32" or "Int64" ? "a whole number" : match.Groups[2].Value;
        return $"'{value}' is not a valid value for {option}: expected {kind}. See --help.";
    }

    private static int Fail(int code, string message, Exception ex, bool verbose)
    {
        Console.Error.WriteLine($"gan: error: {message}");
        if (verbose) Console.Error.WriteLine(ex);
        return code;
    }
}
