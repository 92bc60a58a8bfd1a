using Gan.Keras.Cli.Commands;
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
        bool verbose = args.Contains("--verbose");
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.SetApplicationName("gan");
            config.PropagateExceptions();
            config.AddCommand<TrainCommand>("train")
                .WithDescription("Train a GAN (default: a small MLP GAN on the built-in ring of 8 Gaussians, no download).");
            config.AddCommand<EvalCommand>("eval").WithDescription("Evaluate a saved generator: mode coverage (ring8, grid25) or FID, KID, precision/recall and class coverage (MNIST-like data).");
            config.AddCommand<ParityCommand>("parity")
                .WithDescription("Replay a golden trace recorded by PyTorch or TensorFlow and compare losses and weights.");
        });
        try
        {
            return app.Run(args);
        }
        catch (CommandParseException ex)
        {
            return Fail(UsageError, ex.Message, ex, verbose);
        }
        catch (CommandRuntimeException ex)
        {
            return Fail(UsageError, ex.Message, ex, verbose);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or IOException or InvalidDataException or UnauthorizedAccessException or NotSupportedException)
        {
            return Fail(RuntimeError, ex.Message, ex, verbose);
        }
    }

    private static int Fail(int code, string message, Exception ex, bool verbose)
    {
        Console.Error.WriteLine($"gan: error: {message}");
        if (verbose) Console.Error.WriteLine(ex);
        return code;
    }
}
