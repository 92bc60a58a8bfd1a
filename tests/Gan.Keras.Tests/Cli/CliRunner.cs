using System.Diagnostics;
using Gan.Keras.Cli;

namespace Gan.Keras.Tests.Cli;

/// <summary>Runs the <c>gan</c> command line in this process (capturing its output) or as a child process.</summary>
internal static class CliRunner
{
    private static readonly object ConsoleLock = new();

    /// <summary>Runs <see cref="GanCli.Run(string[])"/> with standard output and error captured.</summary>
    public static (int ExitCode, string Out, string Error) Run(params string[] args) => Run(null, args);

    /// <summary>Runs the command line with the test-only <c>fail &lt;kind&gt;</c> command (<see cref="FailingCommand"/>) added.</summary>
    public static (int ExitCode, string Out, string Error) RunWithFailingCommand(params string[] args) =>
        Run(config => config.AddCommand<FailingCommand>("fail"), args);

    private static (int ExitCode, string Out, string Error) Run(Action<Spectre.Console.Cli.IConfigurator>? addCommands, string[] args)
    {
        lock (ConsoleLock)
        {
            var previousOut = Console.Out;
            var previousError = Console.Error;
            var output = new StringWriter();
            var error = new StringWriter();
            Console.SetOut(output);
            Console.SetError(error);
            try
            {
                int code = GanCli.Run(args, addCommands);
                return (code, output.ToString(), error.ToString());
            }
            finally
            {
                Console.SetOut(previousOut);
                Console.SetError(previousError);
            }
        }
    }

    /// <summary>Starts <c>dotnet gan.dll ARGS</c> (the CLI built beside the tests) with redirected output.</summary>
    public static Process Start(IEnumerable<string> args)
    {
        string gan = Path.Combine(AppContext.BaseDirectory, "gan.dll");
        string dotnet = Environment.ProcessPath is { } host && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : "dotnet";
        var info = new ProcessStartInfo(dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(gan);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        return Process.Start(info) ?? throw new InvalidOperationException($"Could not start {dotnet} {gan}.");
    }

    /// <summary>Runs the CLI as a child process to completion.</summary>
    public static (int ExitCode, string Out, string Error) RunProcess(IEnumerable<string> args, TimeSpan timeout)
    {
        using var process = Start(args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill();
            throw new TimeoutException($"gan {string.Join(' ', args)} did not finish within {timeout}.");
        }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
