using System.Globalization;
using Gan.Keras.Benchmarks;
using TorchSharp;

// dotnet run -c Release --project examples/Benchmarks -- mixtures [--datasets ring8,grid25] [--losses non-saturating,...]
//     [--seeds 0,1,2] [--steps N] [--batch N] [--lr X] [--hidden N] [--layers N] [--latent N] [--beta1 X] [--pack M] [--threads N] [--out FILE]
// dotnet run -c Release --project examples/Benchmarks -- mnist [--mnist DIR] [--models article-mlp,leaky-mlp] [--epochs N] [--batch N]
//     [--samples N] [--classifier-epochs N] [--cache DIR] [--samples-png DIR] [--out FILE]
// dotnet run -c Release --project examples/Benchmarks -- fullsize --data fashion-wgangp|colour-dcgan [--epochs N] [--fashion DIR] [--batch N]
//     [--samples N] [--resnet-samples N] [--classifier-epochs N] [--count N] [--limit N] [--threads N] [--samples-png DIR] [--out FILE]
// dotnet run -c Release --project examples/Benchmarks -- speed [--network mlp-small|article-mlp] [--batch N] [--steps N] [--rounds N] [--threads N] [--together]
// dotnet run -c Release --project examples/Benchmarks -- onnx [--batches 1,64] [--rounds N] [--seconds S] [--threads N]
var options = BenchmarkOptions.Parse(args);
torch.set_num_threads(options.Threads);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"libtorch threads: {torch.get_num_threads()}, processors: {Environment.ProcessorCount}"));
switch (options.Command)
{
    case "mixtures":
        MixtureTable.Run(options);
        break;
    case "mnist":
        MnistBenchmark.Run(options);
        break;
    case "fullsize":
        FullSizeBenchmark.Run(options);
        break;
    case "speed":
        SpeedBenchmark.Run(options);
        break;
    case "onnx":
        OnnxLatencyBenchmark.Run(options);
        break;
    default:
        Console.Error.WriteLine($"Unknown benchmark '{options.Command}'. Use: mixtures, mnist, fullsize, speed, onnx.");
        return 2;
}
return 0;
