using System.Diagnostics;
using System.Globalization;
using Gan.Keras.Callbacks;
using Gan.Keras.Export.Checkpoints;
using Gan.Keras.Training;
using Gan.Keras.Data;
using Gan.Keras.Export.Images;
using Gan.Keras.Models;
using Gan.Keras.Export;
using Spectre.Console;
using TorchSharp;

namespace Gan.Keras.Cli.Training;

/// <summary>How much <c>gan train</c> prints.</summary>
internal enum Verbosity
{
    Quiet,
    Normal,
    Verbose,
}

/// <summary>
/// One <c>gan train</c> run: builds the data and the model from their names, wires the callbacks (progress, CSV, loss
/// plot, sample pictures, TensorBoard, NaN guard, checkpoints, Ctrl+C), trains, and writes the final outputs.
/// </summary>
internal sealed class TrainingRun
{
    public const string CheckpointFolder = "checkpoints";
    public const string WeightsFile = "weights.safetensors";
    public const string SamplesCsv = "samples.csv";
    public const string SamplesPng = "samples.png";
    public const string LossesPng = "losses.png";
    public const string HistoryCsv = "history.csv";
    public const string SampleFolder = "samples";
    public const string TensorBoardFolder = "tensorboard";

    /// <summary>Exit code after Ctrl+C (128 + SIGINT), as shells report an interrupted command.</summary>
    public const int InterruptedExitCode = 130;

    private static readonly string[] FixedKeys = { "data", "model", "loss", "batch-size", "seed", "dtype", "out", "image-size", "channels" };
    private readonly IAnsiConsole console;
    private readonly Verbosity verbosity;
    private readonly bool download;
    private readonly int? threads;
    private readonly bool stream;
    private readonly DistributedSession session;

    public TrainingRun(IAnsiConsole console, Verbosity verbosity, bool download = false, int? threads = null, bool stream = false, DistributedSession? session = null)
    {
        this.session = session ?? new DistributedSession();
        this.stream = stream;
        this.console = console;
        this.verbosity = verbosity;
        this.download = download;
        this.threads = threads;
    }

    /// <summary>Starts a new run.</summary>
    public int Start(RunOptions options)
    {
        RunFactory.Validate(options);
        var device = session.Join(RunFactory.ResolveDevice(options.Device));
        var dtype = RunFactory.ResolveDtype(options.Dtype);
        string stem = options.Data.Split(':')[0];
        string outDir = options.Out ?? Path.Combine("runs", string.Create(CultureInfo.InvariantCulture, $"{stem}-{DateTime.Now:yyyyMMdd-HHmmss}"));
        // Data-parallel: rank 0 alone writes the run folder (and its timestamped name is the one that counts).
        if (session.IsPrimary && CheckpointManager.Exists(Path.Combine(outDir, CheckpointFolder)))
            throw new UsageException($"'{outDir}' already holds a training run. Continue it with --resume {outDir}, or choose another --out.");
        if (session.IsPrimary) Directory.CreateDirectory(outDir);
        string model = options.Model ?? RunFactory.DefaultModelFor(options.Data);
        using var threadLimit = TorchThreads.Limit(threads ?? session.ThreadsPerRank() ?? RunFactory.ThreadsFor(model));
        RandomSeed.Set(options.Seed);
        using var data = RunFactory.LoadData(options.Data, options.Seed, RunFactory.TakesFlatSamples(model), download, options.ImageSize, options.Channels, stream);
        options = options with { Model = model, Out = outDir, SampleShape = data.ElementShape.ToArray() };
        using var gan = RunFactory.CreateGan(model, options.Loss, data.ElementShape, options.Seed);
        gan.To(device, dtype);
        using var noise = SampleGrid.DrawNoise(gan.LatentDim, RunFactory.FixedNoiseCount(gan, data.ElementShape), options.Seed);
        if (session.IsPrimary) options.Save(Path.Combine(outDir, RunOptions.RunFileName));
        if (verbosity != Verbosity.Quiet && session.IsPrimary)
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Training {data.Name} ({data.Count} examples of shape [{string.Join(", ", data.ElementShape)}]) with {model}, loss {options.Loss}, for {options.Epochs} epochs (batch {options.BatchSize}{Ranks(options.BatchSize)}, seed {options.Seed}, device {device.type.ToString().ToLowerInvariant()}{(dtype == torch.float32 ? "" : ", " + options.Dtype)}) into {outDir}"));
        return Train(options, data, gan, noise, startEpoch: 0, resumed: false);
    }

    /// <summary>Continues the run in <paramref name="directory"/> from its latest checkpoint.</summary>
    /// <param name="directory">The run's output folder.</param>
    /// <param name="moreEpochs">Epochs to train beyond the checkpoint; null finishes the planned run.</param>
    /// <param name="given">Flags given with --resume (name → value).</param>
    public int Resume(string directory, int? moreEpochs, IReadOnlyDictionary<string, string> given)
    {
        string runFile = Path.Combine(directory, RunOptions.RunFileName);
        if (!File.Exists(runFile))
            throw new UsageException($"--resume '{directory}' is not a training run: '{runFile}' is missing. Point to the --out folder of an earlier `gan train`.");
        var saved = RunOptions.Load(runFile, new RunOptions(), isRunFile: true);
        CheckUnchanged(saved, directory, given);
        var options = saved with
        {
            Device = given.GetValueOrDefault("device") ?? saved.Device,
            Keep = given.TryGetValue("keep", out var keep) ? int.Parse(keep, CultureInfo.InvariantCulture) : saved.Keep,
            Out = directory,
        };
        RunFactory.Validate(options);
        var device = session.Join(RunFactory.ResolveDevice(options.Device));
        var dtype = RunFactory.ResolveDtype(options.Dtype);
        var manager = new CheckpointManager(Path.Combine(directory, CheckpointFolder), options.Keep);
        if (!CheckpointManager.Exists(manager.Directory))
            throw new UsageException($"'{directory}' has no checkpoint yet ('{manager.ManifestPath}' is missing): the run stopped before its first checkpoint was written. Start it again: gan train --out {directory} with the same settings.");
        string model = options.Model ?? RunFactory.DefaultModelFor(options.Data);
        using var threadLimit = TorchThreads.Limit(threads ?? session.ThreadsPerRank() ?? RunFactory.ThreadsFor(model));
        RandomSeed.Set(options.Seed);
        using var data = RunFactory.LoadData(options.Data, options.Seed, RunFactory.TakesFlatSamples(model), download, options.ImageSize, options.Channels, stream);
        using var gan = RunFactory.CreateGan(model, options.Loss, data.ElementShape, options.Seed);
        gan.To(device, dtype);
        using var checkpoint = manager.LoadLatest();
        checkpoint.RestoreInto(gan);
        int start = checkpoint.Epoch;
        int target = moreEpochs is int more ? start + more : saved.Epochs;
        if (start >= target)
        {
            if (session.IsPrimary)
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Nothing to do: '{directory}' has completed {start} of {saved.Epochs} planned epochs. Pass --epochs N to train N more."));
            return 0;
        }
        options = options with { Epochs = target };
        if (session.IsPrimary) options.Save(runFile);
        using var noise = checkpoint.FixedNoise?.clone() ?? SampleGrid.DrawNoise(gan.LatentDim, RunFactory.FixedNoiseCount(gan, data.ElementShape), options.Seed);
        if (verbosity != Verbosity.Quiet && session.IsPrimary)
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Resuming {directory} from {manager.Latest!.File} (epoch {start}, step {checkpoint.Step}, SHA-256 verified): training epochs {start + 1} to {target}."));
        return Train(options, data, gan, noise, start, resumed: true);
    }

    private int Train(RunOptions options, Dataset data, GanModel gan, torch.Tensor noise, int startEpoch, bool resumed)
    {
        // Data-parallel: the other ranks train alongside rank 0 and write nothing (rank 0's state is broadcast when Fit starts).
        if (!session.IsPrimary)
        {
            gan.Fit(data, options.Epochs, options.BatchSize, initialEpoch: startEpoch, distributed: session.Parallel);
            return 0;
        }
        string outDir = options.Out!;
        var modes = RunFactory.ModesFor(options.Data);
        if (verbosity == Verbosity.Verbose)
        {
            Console.Out.WriteLine(options.Describe());
            Console.Out.WriteLine(gan.Generator.Summary());
            Console.Out.WriteLine(gan.Discriminator.Summary());
        }
        // mpirun gives every rank a pseudo-terminal even when its own output is piped: plain lines under mpirun.
        bool live = verbosity != Verbosity.Quiet && session.Parallel is null && LiveProgress.Supported(console);
        Action<string> say = live ? line => console.WriteLine(line) : line => Console.Out.WriteLine(line);
        string historyPath = Path.Combine(outDir, HistoryCsv);
        var lossPlot = new LossPlot(Path.Combine(outDir, LossesPng));
        if (resumed && File.Exists(historyPath))
            lossPlot.Preload(CsvLogger.ReadRows(historyPath).Where(r => r.Epoch < startEpoch));
        using var sampleGrid = new SampleGrid(Path.Combine(outDir, SampleFolder), noise, modes);
        using var tensorBoard = new TensorBoard(Path.Combine(outDir, TensorBoardFolder), updateFrequency: 1, fixedNoise: noise, modes: modes);
        // Checked every 20 steps from the epoch's running means (NaN sticks in them): no device wait per step.
        var terminateOnNaN = new TerminateOnNaN(checkEvery: 20);
        var metadata = new Dictionary<string, string> { ["run"] = File.ReadAllText(Path.Combine(outDir, RunOptions.RunFileName)) };
        var checkpoint = new ModelCheckpoint(Path.Combine(outDir, CheckpointFolder), options.Keep, every: 1, fixedNoise: noise, metadata: metadata,
            log: verbosity == Verbosity.Verbose ? say : null);
        using var interrupt = new StopOnInterrupt(say, verbosity != Verbosity.Quiet);
        var callbacks = new List<Callback> { new CsvLogger(historyPath, append: resumed), lossPlot, sampleGrid, tensorBoard, terminateOnNaN, checkpoint, interrupt };

        var clock = Stopwatch.StartNew();
        if (verbosity != Verbosity.Quiet && !live) callbacks.Insert(0, new ProgbarLogger(Console.Out, interactive: false));
        var history = live
            ? LiveProgress.Run(console, progress => gan.Fit(data, options.Epochs, options.BatchSize, callbacks.Prepend(progress), initialEpoch: startEpoch))
            : gan.Fit(data, options.Epochs, options.BatchSize, callbacks, initialEpoch: startEpoch, distributed: session.Parallel);
        clock.Stop();

        if (terminateOnNaN.TerminatedAt is var (epoch, batch, key))
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"Training stopped at epoch {epoch + 1}, batch {batch}: {key} became NaN or infinite. The last good checkpoint is in {checkpoint.Manager.Directory}; lower the learning rate or change --loss."));
        if (interrupt.Requested)
        {
            string saved = checkpoint.LastSaved is { } entry ? $"{entry.File} (epoch {entry.Epoch})" : "none";
            Console.Out.WriteLine($"Interrupted. Last checkpoint: {saved}. Continue with: gan train --resume {outDir}");
            return InterruptedExitCode;
        }

        gan.SaveWeights(Path.Combine(outDir, WeightsFile), new Dictionary<string, string>
        {
            ["seed"] = options.Seed.ToString(CultureInfo.InvariantCulture),
            ["data"] = data.Name,
            ["model"] = options.Model!,
        });
        string picture = WriteSamples(gan, data, noise, modes, outDir, options.Seed);
        var last = history.Keys.Count > 0 ? history : null;
        string losses = last is null ? string.Empty : string.Create(CultureInfo.InvariantCulture, $": d_loss {last["d_loss"][^1]:F4}, g_loss {last["g_loss"][^1]:F4}");
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Done in {ProgbarLogger.FormatDuration(clock.Elapsed)}{losses}."));
        Console.Out.WriteLine($"Wrote to {outDir}: {picture}, {LossesPng}, {SamplesCsv}, {HistoryCsv}, {WeightsFile}, {CheckpointFolder}/{checkpoint.LastSaved?.File}, {SampleFolder}/epoch-*.png, {TensorBoardFolder}/");
        return 0;
    }

    /// <summary>", 2 ranks, global batch 128" in a data-parallel run, else nothing.</summary>
    private string Ranks(int batchSize) =>
        session.Parallel is { } parallel ? string.Create(CultureInfo.InvariantCulture, $" per rank, {parallel.Size} ranks over {parallel.Communicator.Backend}, global batch {(long)batchSize * parallel.Size}") : string.Empty;

    /// <summary>Writes samples.csv and samples.png (a scatter over the true modes for 2-D data, an image grid otherwise).</summary>
    private static string WriteSamples(GanModel gan, Dataset data, torch.Tensor noise, double[,]? modes, string outDir, long seed)
    {
        bool points = SamplePicture.IsPoints(data.ElementShape);
        using var generated = RunFactory.Generate(gan, points ? 2_500 : 64, seed);
        SampleCsv.Write(Path.Combine(outDir, SamplesCsv), generated);
        if (points)
        {
            ScatterPlot.SavePng(Path.Combine(outDir, SamplesPng), generated, modes, $"{generated.shape[0]} generated samples over the true modes of {data.Name}");
            return $"{SamplesPng} (scatter over the true modes)";
        }
        AtomicFile.WriteAllBytes(Path.Combine(outDir, SamplesPng), SamplePicture.Render(gan, noise));
        return $"{SamplesPng} (grid of the fixed noise)";
    }

    private static void CheckUnchanged(RunOptions saved, string directory, IReadOnlyDictionary<string, string> given)
    {
        var savedValues = new Dictionary<string, string?>
        {
            ["data"] = saved.Data,
            ["model"] = saved.Model,
            ["loss"] = saved.Loss,
            ["batch-size"] = saved.BatchSize.ToString(CultureInfo.InvariantCulture),
            ["seed"] = saved.Seed.ToString(CultureInfo.InvariantCulture),
            ["image-size"] = saved.ImageSize?.ToString(CultureInfo.InvariantCulture),
            ["channels"] = saved.Channels?.ToString(CultureInfo.InvariantCulture),
        };
        foreach (var key in FixedKeys)
        {
            if (!given.TryGetValue(key, out var value)) continue;
            if (key == "out")
            {
                if (Path.GetFullPath(value) != Path.GetFullPath(directory))
                    throw new UsageException($"--out cannot differ from --resume: a resumed run writes into its own folder '{directory}'.");
                continue;
            }
            if (savedValues[key] != value)
                throw new UsageException($"--{key} {value} differs from the run being resumed ({key} {savedValues[key]}, from '{Path.Combine(directory, RunOptions.RunFileName)}'); a resumed run keeps its settings. Drop --{key}, or start a new run with another --out.");
        }
    }
}
