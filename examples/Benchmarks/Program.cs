using Gan.Keras.Benchmarks;
using Gan.Keras.Examples;
using Spectre.Console.Cli;

// dotnet run -c Release --project examples/Benchmarks -- mixtures [--datasets ring8,grid25] [--losses non-saturating,...]
//     [--seeds 0,1,2] [--steps N] [--batch N] [--lr X] [--hidden N] [--layers N] [--latent N] [--beta1 X] [--pack M] [--threads N] [--out FILE]
// dotnet run -c Release --project examples/Benchmarks -- mnist [--mnist DIR] [--models article-mlp,leaky-mlp] [--epochs N] [--batch N]
//     [--samples N] [--classifier-epochs N] [--cache DIR] [--samples-png DIR] [--out FILE]
// dotnet run -c Release --project examples/Benchmarks -- fullsize --data fashion-wgangp|colour-dcgan [--epochs N] [--fashion DIR] [--batch N]
//     [--samples N] [--resnet-samples N] [--classifier-epochs N] [--count N] [--limit N] [--threads N] [--samples-png DIR] [--out FILE]
// dotnet run -c Release --project examples/Benchmarks -- speed [--network mlp-small|article-mlp] [--batch N] [--steps N] [--rounds N] [--threads N] [--together]
// dotnet run -c Release --project examples/Benchmarks -- mixed [--networks dcgan28,dcgan64,article-mlp] [--policy mixed_bfloat16|mixed_float16] [--batch N] [--steps N] [--rounds N] [--threads N] [--profile]
// dotnet run -c Release --project examples/Benchmarks -- onnx [--batches 1,64] [--rounds N] [--seconds S] [--threads N]
// Without a benchmark's name, mixtures runs. --help lists every option of a benchmark (`-- mnist --help`).
var app = new CommandApp();
app.SetDefaultCommand<MixtureTable>();
app.Configure(config =>
{
    config.AddCommand<MixtureTable>("mixtures")
        .WithDescription("Mode coverage on 2-D Gaussian mixtures (Ring8, Grid25): every loss over several seeds, mean ± std (the default).");
    config.AddCommand<MnistBenchmark>("mnist")
        .WithDescription("MNIST sample quality (FID, KID, classifier score, precision/recall, class coverage) of the MLP GANs and the DCGAN.");
    config.AddCommand<FullSizeBenchmark>("fullsize")
        .WithDescription("Full-size runs scored after every epoch: the Keras WGAN-GP example on Fashion-MNIST, or the 32×32 colour DCGAN preset.");
    config.AddCommand<SpeedBenchmark>("speed")
        .WithDescription("Training speed of GanModel.Fit against a hand-written TorchSharp loop of the same networks.");
    config.AddCommand<MixedPrecisionBenchmark>("mixed")
        .WithDescription("Training speed of the presets in float32 against a mixed-precision policy (mixed_bfloat16 by default), interleaved, with the kernels' own speed-up.");
    config.AddCommand<OnnxLatencyBenchmark>("onnx")
        .WithDescription("Inference latency per image of every preset: Gan.Keras (libtorch) against ONNX Runtime on the exported generator.");
});
return CommandLine.Run(app, "dotnet run -c Release --project examples/Benchmarks --", args);
