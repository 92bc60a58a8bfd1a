// The seed article's TensorFlow/Keras GAN (section 4.2), written with Gan.Keras, with its training loop corrected.
//
// What the article got wrong, and what this does instead:
//   1. Its discriminator only ever saw real images. Here each step trains it on real images (label 1) AND on
//      generated ones (label 0).
//   2. Its generator was trained towards the "fake" label. Here it is trained towards "real" (non-saturating loss).
//   3. It fed the discriminator's sigmoid output to a loss built with from_logits=True, applying the sigmoid twice.
//      Here the loss is built with fromLogits: false, matching the sigmoid output layer (Gan.Keras warns if you
//      repeat the article's mistake).
// Architecture and hyperparameters are the article's: G 100→128→256→512→1024→784 (ReLU, tanh output),
// D 784→512→256→1 (ReLU, sigmoid output), binary cross-entropy, two Adam(2e-4, beta1 0.5). The networks are the
// library's ModelPresets.ArticleMlpGenerator / ArticleMlpDiscriminator (`gan train --model mlp` builds the same, with a
// logit instead of the sigmoid).
//
// Part 1 writes the loop by hand with GradientTape (as the article does); part 2 trains the same model with
// GanModel.Fit. Usage: dotnet run --project examples/SeedKerasStyle -- [mnist-dir] [--epochs N] [--limit N] [--threads N] [--out grid.png]
using Gan.Keras;
using Gan.Keras.Callbacks;
using Gan.Keras.Data;
using Gan.Keras.Examples;
using Gan.Keras.Export.Images;
using Gan.Keras.Losses;
using Gan.Keras.Models;
using Gan.Keras.Models.Presets;
using Gan.Keras.Optimizers;
using Gan.Keras.Training;
using TorchSharp;

return ExampleRunner.Run(args, "SeedKerasStyle", defaultEpochs: 5, defaultBatchSize: 64, Train);

static void Train(ExampleOptions options)
{
    RandomSeed.Set(options.Seed);
    using var data = Mnist.Load(options.DataPath, flatten: true, limit: options.Limit);
    const int latentDim = 100;
    int batchSize = options.BatchSize;

    // ---- Part 1: the article's GradientTape loop, corrected ----
    Console.WriteLine("Part 1: GradientTape loop");
    using (var generator = ModelPresets.ArticleMlpGenerator())
    using (var discriminator = ModelPresets.ArticleMlpDiscriminator(outputActivation: "sigmoid"))
    {
        Console.Write(generator.Summary());
        var lossFn = new BinaryCrossentropy(fromLogits: false);
        var generatorOptimizer = new Adam(2e-4, beta1: 0.5);
        var discriminatorOptimizer = new Adam(2e-4, beta1: 0.5);
        using var random = new torch.Generator((ulong)options.Seed, torch.CPU);
        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            double dSum = 0, gSum = 0;
            int steps = 0;
            foreach (var batch in data.GetBatches(batchSize, shuffle: true, generator: random))
            {
                using var scope = torch.NewDisposeScope();
                var real = batch.Features;
                long n = real.shape[0];

                float dLoss;
                using (var tape = new GradientTape())
                {
                    var fake = generator.Call(torch.randn(new[] { n, latentDim }, generator: random), training: true).detach();
                    var loss = lossFn.Call(torch.ones(n, 1), discriminator.Call(real, training: true))
                             + lossFn.Call(torch.zeros(n, 1), discriminator.Call(fake, training: true));
                    discriminatorOptimizer.ApplyGradients(tape.Gradient(loss, discriminator.TrainableVariables), discriminator.TrainableVariables);
                    dLoss = loss.item<float>();
                }

                float gLoss;
                using (var tape = new GradientTape())
                {
                    var output = discriminator.Call(generator.Call(torch.randn(new[] { n, latentDim }, generator: random), training: true), training: true);
                    var loss = lossFn.Call(torch.ones(n, 1), output);
                    generatorOptimizer.ApplyGradients(tape.Gradient(loss, generator.TrainableVariables), generator.TrainableVariables);
                    gLoss = loss.item<float>();
                }
                dSum += dLoss;
                gSum += gLoss;
                steps++;
            }
            var means = new Dictionary<string, double> { ["d_loss"] = dSum / steps, ["g_loss"] = gSum / steps };
            Console.WriteLine($"Epoch {epoch + 1}/{options.Epochs}  {ProgbarLogger.FormatLogs(means)}");
        }
        using var noGrad = torch.no_grad();
        using var samples = generator.Call(torch.randn(new long[] { 64, latentDim }, generator: random));
        ImageGrid.SavePng(options.Output, samples);
        Console.WriteLine($"Wrote {options.Output}");
    }

    // ---- Part 2: the same model through GanModel.Fit ----
    Console.WriteLine("Part 2: GanModel.Fit");
    using (var gan = new GanModel(ModelPresets.ArticleMlpGenerator(), ModelPresets.ArticleMlpDiscriminator(outputActivation: "sigmoid"), latentDim, seed: options.Seed))
    {
        gan.Compile(new Adam(2e-4, beta1: 0.5), new Adam(2e-4, beta1: 0.5), new BinaryCrossentropy(fromLogits: false));
        var history = gan.Fit(data, epochs: options.Epochs, batchSize: batchSize, callbacks: new[] { new ProgbarLogger() });
        string fitPng = Path.ChangeExtension(options.Output, null) + "-fit.png";
        using var samples = gan.Generate(64, seed: options.Seed);
        ImageGrid.SavePng(fitPng, samples);
        Console.WriteLine($"Wrote {fitPng}; final D(x) {history["d_real"][^1]:F3}, D(G(z)) {history["d_fake"][^1]:F3}");
    }
}

