// The seed article's PyTorch GAN (section 4.1), written directly against TorchSharp, with its training loop corrected.
//
// What the article got wrong, and what this does instead:
//   1. Its discriminator only ever saw real images. Here it also sees generated images, labelled 0 (fake),
//      detached so the discriminator's update does not reach the generator.
//   2. Its generator was trained towards the "fake" label. Here the generator is trained towards "real" (label 1):
//      the non-saturating loss −log D(G(z)) of Goodfellow et al. (2014).
// Architecture and hyperparameters are the article's: G 100→128→256→512→1024→784 with LeakyReLU(0.2),
// D 784→512→256→1 with LeakyReLU(0.2) and Sigmoid, BCELoss, Adam(lr 2e-4, betas 0.5/0.999).
// The networks are deliberately the article's PyTorch code (nn.Module, nn.Sequential, nn.Linear) in TorchSharp, not
// Gan.Keras's ModelPresets.ArticleMlp*: that preset is the article's Keras version (section 4.2: ReLU, tanh output),
// which examples/SeedKerasStyle uses; this one has LeakyReLU(0.2) and a linear generator output.
//
// Usage: dotnet run --project examples/SeedTorchStyle -- [mnist-dir] [--epochs N] [--limit N] [--threads N] [--out grid.png]
using Gan.Keras.Callbacks;
using Gan.Keras.Data;
using Gan.Keras.Examples;
using Gan.Keras.Export.Images;
using TorchSharp;
using static TorchSharp.torch;

return ExampleRunner.Run(args, "SeedTorchStyle", defaultEpochs: 5, defaultBatchSize: 64, Train);

static void Train(ExampleOptions options)
{
    torch.manual_seed(options.Seed);
    using var data = Mnist.Load(options.DataPath, flatten: true, limit: options.Limit);

    using var generator = new Generator();
    using var discriminator = new Discriminator();
    using var bce = nn.BCELoss();
    using var optimizerG = optim.Adam(generator.parameters(), lr: 2e-4, beta1: 0.5, beta2: 0.999);
    using var optimizerD = optim.Adam(discriminator.parameters(), lr: 2e-4, beta1: 0.5, beta2: 0.999);
    using var shuffle = new torch.Generator((ulong)options.Seed, torch.CPU);
    int batchSize = options.BatchSize;

    for (int epoch = 0; epoch < options.Epochs; epoch++)
    {
        double dSum = 0, gSum = 0;
        int steps = 0;
        foreach (var batch in data.GetBatches(batchSize, shuffle: true, generator: shuffle))
        {
            using var scope = NewDisposeScope();
            var real = batch.Features;
            var ones = torch.ones(real.shape[0], 1);
            var zeros = torch.zeros(real.shape[0], 1);

            // Discriminator: real → 1, generated (detached) → 0.
            optimizerD.zero_grad();
            var fake = generator.forward(torch.randn(real.shape[0], 100)).detach();
            var dLoss = bce.forward(discriminator.forward(real), ones) + bce.forward(discriminator.forward(fake), zeros);
            dLoss.backward();
            optimizerD.step();

            // Generator: make the discriminator say "real" (non-saturating loss).
            optimizerG.zero_grad();
            var gLoss = bce.forward(discriminator.forward(generator.forward(torch.randn(real.shape[0], 100))), ones);
            gLoss.backward();
            optimizerG.step();

            dSum += dLoss.item<float>();
            gSum += gLoss.item<float>();
            steps++;
        }
        // The loop is the article's, so the epoch line is printed here; it is worded as Gan.Keras's ProgbarLogger words Fit's.
        var means = new Dictionary<string, double> { ["d_loss"] = dSum / steps, ["g_loss"] = gSum / steps };
        Console.WriteLine($"Epoch {epoch + 1}/{options.Epochs}  {ProgbarLogger.FormatLogs(means)}");
    }

    generator.eval();
    using (no_grad())
    using (var samples = torch.tanh(generator.forward(torch.randn(64, 100))))
    {
        // The article's generator has no output activation; tanh maps its output into the data's [-1, 1] for display.
        ImageGrid.SavePng(options.Output, samples);
    }
}

/// <summary>The article's generator: 100 → 128 → 256 → 512 → 1024 → 784, LeakyReLU(0.2), linear output.</summary>
internal sealed class Generator : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> layers = nn.Sequential(
        nn.Linear(100, 128), nn.LeakyReLU(0.2),
        nn.Linear(128, 256), nn.LeakyReLU(0.2),
        nn.Linear(256, 512), nn.LeakyReLU(0.2),
        nn.Linear(512, 1024), nn.LeakyReLU(0.2),
        nn.Linear(1024, 784));

    public Generator() : base(nameof(Generator)) => RegisterComponents();

    public override Tensor forward(Tensor z) => layers.forward(z);
}

/// <summary>The article's discriminator: 784 → 512 → 256 → 1, LeakyReLU(0.2), Sigmoid.</summary>
internal sealed class Discriminator : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> layers = nn.Sequential(
        nn.Linear(784, 512), nn.LeakyReLU(0.2),
        nn.Linear(512, 256), nn.LeakyReLU(0.2),
        nn.Linear(256, 1), nn.Sigmoid());

    public Discriminator() : base(nameof(Discriminator)) => RegisterComponents();

    public override Tensor forward(Tensor x) => layers.forward(x);
}
