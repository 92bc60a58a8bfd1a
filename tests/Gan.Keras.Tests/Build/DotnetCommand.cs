using System.Diagnostics;

namespace Gan.Keras.Tests.Build;

/// <summary>Runs the .NET SDK (<c>dotnet pack</c>, <c>dotnet msbuild</c>, <c>dotnet tool</c>) or a tool it installed, as a child process.</summary>
internal static class DotnetCommand
{
    /// <summary>Runs <c>dotnet ARGS</c> in <paramref name="workingDirectory"/> to completion.</summary>
    public static (int ExitCode, string Output) Run(string workingDirectory, TimeSpan timeout, params string[] args) =>
        RunProgram(DotnetHost(), workingDirectory, timeout, args);

    /// <summary>Runs <c>dotnet ARGS</c> with extra environment variables.</summary>
    public static (int ExitCode, string Output) Run(string workingDirectory, TimeSpan timeout, IReadOnlyDictionary<string, string> environment, params string[] args) =>
        RunProgram(DotnetHost(), workingDirectory, timeout, environment, args);

    /// <summary>Runs <paramref name="program"/> with <paramref name="args"/> to completion, standard output and error together.</summary>
    public static (int ExitCode, string Output) RunProgram(string program, string workingDirectory, TimeSpan timeout, params string[] args) =>
        RunProgram(program, workingDirectory, timeout, new Dictionary<string, string>(), args);

    private static (int ExitCode, string Output) RunProgram(string program, string workingDirectory, TimeSpan timeout, IReadOnlyDictionary<string, string> environment, string[] args)
    {
        var info = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        // The test host runs under `dotnet test`, whose MSBuild variables would point a nested build at the outer one's
        // MSBuild; the child finds its own from the SDK.
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)).ToList())
            info.Environment.Remove(key);
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        info.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        foreach (var (key, value) in environment) info.Environment[key] = value;

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {program}.");
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', args)} did not finish within {timeout}:\n{output}");
        }
        process.WaitForExit();
        lock (output) return (process.ExitCode, output.ToString());
    }

    private static string DotnetHost() =>
        Environment.ProcessPath is { } host && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : "dotnet";
}
