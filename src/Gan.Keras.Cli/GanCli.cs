using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json;
using Gan.Keras.Cli.Commands;
using Gan.Keras.Training.Runs;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Gan.Keras.Cli;

/// <summary>
/// The <c>gan</c> command line: sets up the commands and turns every failure, in every command, into one clear line on
/// standard error and one exit code (docs/cli.md, "Exit codes"); <c>--verbose</c> adds the stack trace.
/// </summary>
public static class GanCli
{
    /// <summary>Exit code for success.</summary>
    public const int Success = 0;

    /// <summary>Exit code for a failure while running: bad or missing data, a corrupt file, a training error, a native (libtorch) error, out of memory, an overflow.</summary>
    public const int RuntimeError = 1;

    /// <summary>Exit code for an invalid command line or configuration value.</summary>
    public const int UsageError = 2;

    /// <summary>Exit code of <c>gan parity</c> when the replay ran but a difference is outside the tolerances.</summary>
    public const int ParityOutsideTolerance = 3;

    /// <summary>Exit code after Ctrl+C (128 + SIGINT, as shells report an interrupted command).</summary>
    public const int Interrupted = 130;

    /// <summary>Runs the command line and returns the process exit code.</summary>
    public static int Run(string[] args) => Run(args, addCommands: null);

    /// <summary>Runs the command line with extra commands (tests add commands that fail on purpose) and returns the exit code.</summary>
    internal static int Run(string[] args, Action<IConfigurator>? addCommands)
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
            addCommands?.Invoke(config);
        });
        try
        {
            return app.Run(NormalizeArguments(args));
        }
        catch (Exception ex)
        {
            var (code, message) = Describe(ex, args);
            Console.Error.WriteLine($"gan: error: {message}");
            if (verbose) Console.Error.WriteLine(ex);
            return code;
        }
    }

    /// <summary>
    /// The one mapping from a failure to its exit code and its one line, for every command: the command line or a
    /// setting is wrong (2); anything else that went wrong while running (1) — named library exceptions by their
    /// message, libtorch's errors by the first line of theirs (without its C++ backtrace), out of memory, overflow and
    /// unexpected errors in a sentence.
    /// </summary>
    internal static (int Code, string Message) Describe(Exception exception, IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var ex = Unwrap(exception);
        return ex switch
        {
            CommandParseException or CommandRuntimeException => (UsageError, Explain(OneLine(ex.Message), args)),
            UsageException => (UsageError, OneLine(ex.Message)),
            // A setting given as a flag is named as the flag; one read from a file is named by its key in that file.
            RunConfigurationException run => (UsageError, OneLine(run.File is null ? run.Describe(key => "--" + key) : run.Message)),
            OutOfMemoryException => (RuntimeError, $"Out of memory ({OneLine(ex.Message)}). Use a smaller batch, image size or sample count, or free memory."),
            ExternalException when IsOutOfMemory(ex.Message) => (RuntimeError, $"Out of memory in libtorch: {Sentence(NativeLine(ex.Message))} Use a smaller batch, image size or sample count."),
            ExternalException => (RuntimeError, $"libtorch: {NativeLine(ex.Message)}"),
            OverflowException => (RuntimeError, $"Arithmetic overflow: {Sentence(OneLine(ex.Message))} A size or count is too large; use smaller values."),
            InsufficientExecutionStackException => (RuntimeError, $"Out of stack space: {OneLine(ex.Message)}"),
            ArgumentException or InvalidOperationException or IOException or InvalidDataException or UnauthorizedAccessException or NotSupportedException
                or Gan.Keras.Training.Distributed.DistributedException or FormatException or JsonException or TimeoutException or System.Net.Http.HttpRequestException or OperationCanceledException
                => (RuntimeError, OneLine(ex.Message)),
            _ => (RuntimeError, $"Unexpected {ex.GetType().Name}: {Sentence(OneLine(ex.Message))} Run with --verbose for the stack trace, and please report it."),
        };
    }

    /// <summary>Looks through the wrappers that carry a single real failure (reflection, type initializers, one-task aggregates).</summary>
    private static Exception Unwrap(Exception ex)
    {
        while (true)
        {
            switch (ex)
            {
                case TargetInvocationException { InnerException: { } inner }:
                    ex = inner;
                    continue;
                case TypeInitializationException { InnerException: { } inner }:
                    ex = inner;
                    continue;
                case AggregateException aggregate when aggregate.InnerExceptions.Count == 1:
                    ex = aggregate.InnerExceptions[0];
                    continue;
                default:
                    return ex;
            }
        }
    }

    /// <summary>Ends a message with a full stop unless it ends a sentence already, so that advice can follow it.</summary>
    private static string Sentence(string message) => message.Length == 0 || message[^1] is '.' or '!' or '?' ? message : message + ".";

    /// <summary>A managed message on one line: its lines joined by spaces.</summary>
    private static string OneLine(string message) =>
        string.Join(' ', message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    /// <summary>
    /// libtorch's message without its C++ backtrace: the first line that is not empty and is not
    /// "Exception raised from …" or a "frame #N" line, without the source location of a failed enforce
    /// ("[enforce fail at alloc_cpu.cpp:127] err == 0.").
    /// </summary>
    internal static string NativeLine(string message)
    {
        var line = message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .FirstOrDefault(l => !l.StartsWith("Exception raised from", StringComparison.Ordinal) && !l.StartsWith("frame #", StringComparison.Ordinal));
        if (line is null) return "native error without a message.";
        return System.Text.RegularExpressions.Regex.Replace(line, @"^\[enforce fail at [^\]]*\]\s*(\S+ [=!<>]=? \S+\.\s*)?", string.Empty);
    }

    private static bool IsOutOfMemory(string message) =>
        message.Contains("out of memory", StringComparison.OrdinalIgnoreCase) || message.Contains("can't allocate memory", StringComparison.OrdinalIgnoreCase)
        || message.Contains("not enough memory", StringComparison.OrdinalIgnoreCase);

    /// <summary>Spectre.Console.Cli needs long options of two or more letters: <c>--n 64</c> (as the issue and Keras-style docs write it) is read as <c>-n 64</c>.</summary>
    private static string[] NormalizeArguments(string[] args) =>
        args.Select(a => a == "--n" ? "-n" : a.StartsWith("--n=", StringComparison.Ordinal) ? "-n=" + a[4..] : a).ToArray();

    /// <summary>Spectre.Console.Cli says "Failed to convert 'abc' to Nullable`1."; name the option and the expected kind instead.</summary>
    private static string Explain(string message, IReadOnlyList<string> args)
    {
        if (message.StartsWith("Unknown option", StringComparison.Ordinal)) return message + " See --help for the valid options.";
        var match = System.Text.RegularExpressions.Regex.Match(message, "^Failed to convert '(.*)' to (.+)\\.$");
        if (!match.Success) return message;
        string value = match.Groups[1].Value;
        int index = args.ToList().IndexOf(value);
        string option = index > 0 && args[index - 1].StartsWith('-') ? args[index - 1] : "an option";
        string kind = match.Groups[2].Value is "Nullable`1" or "Int32" or "Int64" ? "a whole number" : match.Groups[2].Value;
        return $"'{value}' is not a valid value for {option}: expected {kind}. See --help.";
    }
}
