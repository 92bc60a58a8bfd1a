using System.ComponentModel;
using System.Net;
using Gan.Keras.Cli.Serving;
using Gan.Keras.Cli.Training;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Hosting;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Gan.Keras.Cli.Commands;

/// <summary><c>gan serve</c>: a web page on Kestrel (loopback by default) to explore a saved generator, from its checkpoint (Gan.Keras) or its ONNX export (ONNX Runtime).</summary>
internal sealed class ServeCommand : Command<ServeCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--checkpoint <PATH>")]
        [Description("A run folder (the --out of `gan train`), its checkpoints/ folder, or one ckpt-*.safetensors file: served by Gan.Keras (libtorch).")]
        public string? Checkpoint { get; init; }

        [CommandOption("--onnx <FILE>")]
        [Description("Or an ONNX file written by `gan export`: served by ONNX Runtime.")]
        public string? Onnx { get; init; }

        [CommandOption("--port <N>")]
        [Description("TCP port, 0 for any free one. Default: 8080.")]
        public int? Port { get; init; }

        [CommandOption("--host <ADDRESS>")]
        [Description("IP address to listen on. Default: 127.0.0.1 (this machine only); 0.0.0.0 or :: make the page reachable from the network.")]
        public string? Host { get; init; }

        [CommandOption("-v|--verbose")]
        [Description("Print stack traces on errors.")]
        public bool Verbose { get; init; }

        public override ValidationResult Validate()
        {
            if ((Checkpoint is null) == (Onnx is null)) return ValidationResult.Error("Give exactly one of --checkpoint (a run folder of `gan train`) or --onnx (a file of `gan export`).");
            if (Checkpoint is not null && !Directory.Exists(Checkpoint) && !File.Exists(Checkpoint)) return ValidationResult.Error($"--checkpoint '{Checkpoint}' does not exist.");
            if (Onnx is not null && !File.Exists(Onnx)) return ValidationResult.Error($"--onnx '{Onnx}' does not exist.");
            if (Port is < 0 or > 65535) return ValidationResult.Error($"--port must be from 0 to 65535 (got {Port}).");
            if (Host is not null && Host != "localhost" && !IPAddress.TryParse(Host, out _)) return ValidationResult.Error($"--host '{Host}' is not an IP address (such as 127.0.0.1, ::1 or 0.0.0.0).");
            return ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var address = settings.Host is null or "localhost" ? IPAddress.Loopback : IPAddress.Parse(settings.Host);
        int port = settings.Port ?? 8080;
        using ISampleSource source = settings.Onnx is not null ? new OnnxSampleSource(settings.Onnx) : CheckpointSampleSource.FromRun(SavedRun.Load(settings.Checkpoint!));
        using var app = SampleServer.Create(source, builder => builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(address, port)));
        app.Start();
        string url = app.Urls.First();
        Console.Out.WriteLine($"Serving {source.Description}");
        Console.Out.WriteLine($"Open {url}/ (API: {url}/api/samples?seed=42&n=16). Ctrl+C stops.");
        if (!IPAddress.IsLoopback(address))
            Console.Out.WriteLine($"Listening on {address}: anyone who can reach this machine can use the page.");
        app.WaitForShutdown();
        return 0;
    }
}
