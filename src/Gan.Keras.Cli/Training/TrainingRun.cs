using System.Diagnostics;
using System.Globalization;
using Gan.Keras.Callbacks;
using Gan.Keras.Export.Checkpoints;
using Gan.Keras.Training;
using Gan.Keras.Data;
using Gan.Keras.Export.Images;
using Gan.Keras.Models;
using Gan.Keras.Training.Runs;
using System.Text.Json.Nodes;
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
/// plot, sample pictures, TensorBoard, training-health monitor with its NaN guard, checkpoints, Ctrl+C), trains, and
/// writes the final outputs.
/// </summary>
internal sealed class TrainingRun
{
    private readonly IAnsiConsole console;
    private readonly Verbosity verbosity;
    private readonly bool download;
    private readonly int? threads;
    private readonly bool stream;
    private readonly DistributedSession session;
    private readonly bool health;

    /// <param name="health">Whether the training-health monitor warns (discriminator winning, mode collapse, vanishing generator gradients); a NaN or infinity stops the run either way.</param>
    public TrainingRun(IAnsiConsole console, Verbosity verbosity, bool download = false, int? threads = null, bool stream = false, DistributedSession? session = null, bool health = true)
    {
        this.session = session ?? new DistributedSession();
        this.health = health;
        this.stream = stream;
        this.console = console;
        this.verbosity = verbosity;
        this.download = download;
        this.threads = threads;
    }

    /// <summary>Starts a new run.</summary>
    public int Start(RunConfiguration options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var device = session.Join(options.ResolveDevice());
        var dtype = options.ResolveDtype();
        string stem = options.Data.Split(':')[0];
        var folder = new RunFolder(options.Out ?? Path.Combine("runs", string.Create(CultureInfo.InvariantCulture, $"{stem}-{DateTime.Now:yyyyMMdd-HHmmss}")));
        // Data-parallel: rank 0 alone writes the run folder (its timestamped name is the one that counts).
        if (session.IsPrimary && folder.HasCheckpoint)
            throw new UsageException($"'{folder.Path}' already holds a training run. Continue it with --resume {folder.Path}, or choose another --out.");
        if (session.IsPrimary) Directory.CreateDirectory(folder.Path);
        string model = options.ModelOrDefault;
        RandomSeed.Set(options.Seed);
        using var data = OpenData(options);
        options = options with { Model = model, Out = folder.Path, SampleShape = data.ElementShape.ToArray() };
        using var gan = options.CreateGan(data.ElementShape);
        using var threadLimit = TorchThreads.Limit(threads ?? session.Threads(IntraOpThreads.For(gan)));
        gan.To(device, dtype);
        using var noise = SampleGrid.DrawNoise(gan.LatentDim, FixedNoiseCount(gan, data.ElementShape), options.Seed);
        if (session.IsPrimary) options.Save(folder.ConfigurationFile);
        if (verbosity != Verbosity.Quiet && session.IsPrimary)
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Training {data.Name} ({data.Count} examples of shape [{string.Join(", ", data.ElementShape)}]) with {model}, loss {options.Loss}, for {options.Epochs} epochs (batch {options.BatchSize}{Ranks(options.BatchSize)}, seed {options.Seed}, device {device.type.ToString().ToLowerInvariant()}{(options.Dtype == "float32" ? "" : ", " + options.Dtype)}, {ThreadsNote()}) into {folder.Path}"));
        return Train(options, folder, data, gan, noise, startEpoch: 0, resumeFrom: null);
    }

    /// <summary>Continues the run in <paramref name="directory"/> from its latest checkpoint.</summary>
    /// <param name="directory">The run's output folder.</param>
    /// <param name="moreEpochs">Epochs to train beyond the checkpoint; null finishes the planned run.</param>
    /// <param name="given">Run settings given with --resume, by key: those that define the run must equal the saved ones.</param>
    public int Resume(string directory, int? moreEpochs, JsonObject given)
    {
        var folder = new RunFolder(directory);
        if (!File.Exists(folder.ConfigurationFile))
            throw new UsageException($"--resume '{directory}' is not a training run: '{folder.ConfigurationFile}' is missing. Point to the --out folder of an earlier `gan train`.");
        var saved = folder.LoadConfiguration();
        var options = saved.ResumeWith(given, directory);
        var device = session.Join(options.ResolveDevice());
        var dtype = options.ResolveDtype();
        var manager = new CheckpointManager(folder.CheckpointFolder, options.Keep);
        if (!folder.HasCheckpoint)
            throw new UsageException($"'{directory}' has no checkpoint yet ('{manager.ManifestPath}' is missing): the run stopped before its first checkpoint was written. Start it again: gan train --out {directory} with the same settings.");
        RandomSeed.Set(options.Seed);
        using var data = OpenData(options);
        // Restored by the loop through the one resume path (ITrainingContext.Resume), as BackupAndRestore does.
        using var checkpoint = manager.LoadLatest();
        // The architecture the checkpoint records, when it records one: the GAN that trained, whatever built it (its own
        // type, never a sampling stand-in for a subclass whose code is not here).
        using var gan = checkpoint.HasArchitecture ? checkpoint.CreateGan(TrainingStateParts.All) : options.CreateGan(data.ElementShape);
        using var threadLimit = TorchThreads.Limit(threads ?? session.Threads(IntraOpThreads.For(gan)));
        gan.To(device, dtype);
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
        if (session.IsPrimary) options.Save(folder.ConfigurationFile);
        using var noise = checkpoint.FixedNoise?.clone() ?? SampleGrid.DrawNoise(gan.LatentDim, FixedNoiseCount(gan, data.ElementShape), options.Seed);
        if (verbosity != Verbosity.Quiet && session.IsPrimary)
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Resuming {directory} from {manager.Latest!.File} (epoch {start}, step {checkpoint.Step}, SHA-256 verified): training epochs {start + 1} to {target} ({ThreadsNote()})."));
        return Train(options, folder, data, gan, noise, start, resumeFrom: checkpoint);
    }

    /// <summary>Says how many threads libtorch computes on (<c>--threads</c>, or <see cref="IntraOpThreads"/>'s default for the model).</summary>
    private string ThreadsNote()
    {
        int n = torch.get_num_threads();
        return string.Create(CultureInfo.InvariantCulture, $"{n} libtorch thread{(n == 1 ? "" : "s")}{(threads is null ? "" : " (--threads)")}");
    }

    /// <summary>Opens the run's data; a missing file dataset says how to download it with this command's flag.</summary>
    private Dataset OpenData(RunConfiguration options)
    {
        try
        {
            return options.OpenData(download, stream);
        }
        catch (FileNotFoundException ex) when (!download)
        {
            throw new FileNotFoundException($"{ex.Message} With gan train, pass --download.", ex.FileName, ex);
        }
    }

    /// <summary>Gets the size of the run's fixed preview noise: 1,000 points for 2-D data, 10 per class for a conditional model, else 64.</summary>
    private static int FixedNoiseCount(GanModel gan, IReadOnlyList<long> sampleShape) =>
        gan.NumClasses > 0 ? gan.NumClasses * 10 : SamplePicture.IsPoints(sampleShape) ? 1_000 : 64;

    private int Train(RunConfiguration options, RunFolder folder, Dataset data, GanModel gan, torch.Tensor noise, int startEpoch, TrainingCheckpoint? resumeFrom)
    {
        // Data-parallel: the other ranks train alongside rank 0 and write nothing; rank 0's state (resumed or not) is
        // broadcast to them when Fit starts.
        if (!session.IsPrimary)
        {
            gan.Fit(data, options.Epochs, options.BatchSize, initialEpoch: startEpoch, distributed: session.Parallel, verbose: FitVerbosity.Silent);
            return 0;
        }
        bool resumed = resumeFrom is not null;
        string outDir = folder.Path;
        var modes = options.TrueModes();
        if (verbosity == Verbosity.Verbose)
        {
            Console.Out.WriteLine(options.Describe());
            Console.Out.WriteLine(gan.Generator.Summary());
            Console.Out.WriteLine(gan.Discriminator.Summary());
        }
        // mpirun gives every rank a pseudo-terminal even when its own output is piped: plain lines under mpirun.
        bool live = verbosity != Verbosity.Quiet && session.Parallel is null && LiveProgress.Supported(console);
        Action<string> say = live ? line => console.WriteLine(line) : line => Console.Out.WriteLine(line);
        string historyPath = folder.HistoryFile;
        var lossPlot = new LossPlot(folder.Combine(RunFolder.LossesPngFileName));
        if (resumed && File.Exists(historyPath))
            lossPlot.Preload(CsvLogger.ReadRows(historyPath).Where(r => r.Epoch < startEpoch));
        using var sampleGrid = new SampleGrid(folder.Combine(RunFolder.SampleFolderName), noise, modes);
        using var tensorBoard = new TensorBoard(folder.Combine(RunFolder.TensorBoardFolderName), updateFrequency: 1, fixedNoise: noise, modes: modes);
        // Checked every 20 steps from the epoch's running means (NaN sticks in them) and at each epoch's end: no device
        // wait per step. Before the checkpoint callback, so an epoch that went bad is not saved.
        using var monitor = new TrainingHealthMonitor(noise, modes, checkEvery: 20, checks: health ? HealthChecks.All : HealthChecks.NonFinite);
        var metadata = new Dictionary<string, string> { ["run"] = File.ReadAllText(folder.ConfigurationFile) };
        var checkpoint = new ModelCheckpoint(folder.CheckpointFolder, options.Keep, every: 1, fixedNoise: noise, metadata: metadata,
            log: verbosity == Verbosity.Verbose ? say : null);
        using var interrupt = new StopOnInterrupt(say, verbosity != Verbosity.Quiet);
        var callbacks = new List<Callback> { new CsvLogger(historyPath, append: resumed), lossPlot, sampleGrid, tensorBoard, monitor, checkpoint, interrupt };
        if (resumeFrom is not null) callbacks.Insert(0, new LambdaCallback(onTrainBegin: context => context.Resume(resumeFrom)));

        var clock = Stopwatch.StartNew();
        if (verbosity != Verbosity.Quiet && !live) callbacks.Insert(0, new ProgbarLogger(Console.Out, interactive: false));
        History history;
        // Warnings (health, NaN) are printed as one line each; with the live display, through it, so the bar stays intact.
        var previousWarnings = Gan.Keras.Internal.Warnings.Handler;
        if (live) Gan.Keras.Internal.Warnings.Handler = message => say("Warning: " + message);
        try
        {
            history = live
                ? LiveProgress.Run(console, progress => gan.Fit(data, options.Epochs, options.BatchSize, callbacks.Prepend(progress), initialEpoch: startEpoch, verbose: FitVerbosity.Silent))
                : gan.Fit(data, options.Epochs, options.BatchSize, callbacks, initialEpoch: startEpoch, distributed: session.Parallel, verbose: FitVerbosity.Silent);
        }
        finally
        {
            Gan.Keras.Internal.Warnings.Handler = previousWarnings;
        }
        clock.Stop();

        // The epoch that went bad was not saved (the monitor stops before ModelCheckpoint runs): the newest checkpoint is good.
        var lastGood = checkpoint.LastSaved ?? checkpoint.Manager.Latest;
        string lastCheckpoint = lastGood is { } good ? string.Create(CultureInfo.InvariantCulture, $"{good.File} (epoch {good.Epoch})") : "none";
        if (monitor.TerminatedAt is var (epoch, batch, key))
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"Training stopped at epoch {epoch + 1}, batch {batch + 1}: {key} became NaN or infinite. Last good checkpoint: {lastCheckpoint} in {checkpoint.Manager.Directory}. Lower the learning rate or change --loss."));
        if (interrupt.Requested)
        {
            Console.Out.WriteLine($"Interrupted. Last checkpoint: {lastCheckpoint}. Continue with: gan train --resume {outDir}");
            return GanCli.Interrupted;
        }

        gan.SaveWeights(folder.WeightsFile, new Dictionary<string, string>
        {
            ["seed"] = options.Seed.ToString(CultureInfo.InvariantCulture),
            ["data"] = data.Name,
            ["model"] = options.Model!,
            ["dtype"] = options.Dtype,
        });
        string picture = WriteSamples(gan, data, noise, modes, folder, options.Seed);
        var last = history.Keys.Count > 0 ? history : null;
        string losses = last is null ? string.Empty : string.Create(CultureInfo.InvariantCulture, $": d_loss {last["d_loss"][^1]:F4}, g_loss {last["g_loss"][^1]:F4}");
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Done in {ProgbarLogger.FormatDuration(clock.Elapsed)}{losses}."));
        Console.Out.WriteLine($"Wrote to {outDir}: {picture}, {RunFolder.LossesPngFileName}, {RunFolder.SamplesCsvFileName}, {RunFolder.HistoryCsvFileName}, {RunFolder.WeightsFileName}, {RunFolder.CheckpointFolderName}/{checkpoint.LastSaved?.File}, {RunFolder.SampleFolderName}/epoch-*.png, {RunFolder.TensorBoardFolderName}/");
        return 0;
    }

    /// <summary>" per rank, 2 ranks over mpi, global batch 128" in a data-parallel run, else nothing.</summary>
    private string Ranks(int batchSize) =>
        session.Parallel is { } parallel ? string.Create(CultureInfo.InvariantCulture, $" per rank, {parallel.Size} ranks over {parallel.Communicator.Backend}, global batch {(long)batchSize * parallel.Size}") : string.Empty;

    /// <summary>Writes samples.csv and samples.png (a scatter over the true modes for 2-D data, an image grid otherwise).</summary>
    private static string WriteSamples(GanModel gan, Dataset data, torch.Tensor noise, double[,]? modes, RunFolder folder, long seed)
    {
        bool points = SamplePicture.IsPoints(data.ElementShape);
        // A conditional model draws count / classes of each class (at least one).
        int count = points ? 2_500 : 64;
        using var generated = gan.NumClasses > 0
            ? gan.Generate(Math.Max(1, count / gan.NumClasses), seed, Enumerable.Range(0, gan.NumClasses).ToArray())
            : gan.Generate(count, seed);
        SampleCsv.Write(folder.Combine(RunFolder.SamplesCsvFileName), generated);
        if (points)
        {
            ScatterPlot.SavePng(folder.Combine(RunFolder.SamplesPngFileName), generated, modes, $"{generated.shape[0]} generated samples over the true modes of {data.Name}");
            return $"{RunFolder.SamplesPngFileName} (scatter over the true modes)";
        }
        AtomicFile.WriteAllBytes(folder.Combine(RunFolder.SamplesPngFileName), SamplePicture.Render(gan, noise));
        return $"{RunFolder.SamplesPngFileName} (grid of the fixed noise)";
    }
}
