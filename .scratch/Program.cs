using Gan.Keras;
using System.Diagnostics;
using Gan.Keras.Data;
using Gan.Keras.Layers;
using Gan.Keras.Losses;
using Gan.Keras.Metrics;
using Gan.Keras.Models;
using Gan.Keras.Optimizers;
using Gan.Keras.Callbacks;
using TorchSharp;
if (args.Length > 0) torch.set_num_threads(int.Parse(args[0]));
var epochs = args.Length > 1 ? int.Parse(args[1]) : 3;
var sw = Stopwatch.StartNew();
using var data = Mnist.Load("/work/shared/data/mnist", "t10k", flatten: true);
string cache = "/tmp/scratch-cls";
using var cls = MnistClassifierTrainer.TrainOrLoad(data, cache, new ClassifierTrainingOptions(Epochs: 3));
Console.WriteLine($"classifier {sw.Elapsed.TotalSeconds:F1}s acc {cls.TestAccuracy:P2} cached {cls.LoadedFromCache}"); sw.Restart();
var perm = torch.randperm(10000, generator: new torch.Generator(1));
var half1 = data.Features.index_select(0, perm[..5000]); var half2 = data.Features.index_select(0, perm[5000..]);
var opts = new ImageEvaluationOptions(SampleBudget: 2500, KidSubsets: 10, KidSubsetSize: 1000);
var rr = ImageEvaluator.Evaluate(half1, half2, cls.Model, opts);
Console.WriteLine($"real-real random halves 2500 {sw.Elapsed.TotalSeconds:F1}s\n{rr}"); sw.Restart();
RandomSeed.Set(0);
var generator = new Sequential(new Layer[] { new Dense(256), new LeakyReLU(0.2), new Dense(512), new LeakyReLU(0.2), new Dense(784, "tanh") }, inputShape: new long[] { 100 }, name: "generator");
var discriminator = new Sequential(new Layer[] { new Dense(512), new LeakyReLU(0.2), new Dense(256), new LeakyReLU(0.2), new Dense(1) }, inputShape: new long[] { 784 }, name: "discriminator");
using var gan = new GanModel(generator, discriminator, 100, 0);
gan.Compile(new Adam(2e-4, 0.5, 0.999), new Adam(2e-4, 0.5, 0.999), new BinaryCrossentropy(fromLogits: true));
for (int e = 1; e <= epochs; e++) {
  gan.Fit(data, e, 64, initialEpoch: e - 1);
  if (true) {
    var t = sw.Elapsed.TotalSeconds;
    var r = ImageEvaluator.Evaluate(gan, half1, cls.Model, opts);
    Console.WriteLine($"epoch {e} train {t:F1}s: FID {r.Fid:F2} KID {r.Kid.Mean:F3} IS {r.ClassifierScore:F2} P {r.PrecisionRecall.Precision:F3} R {r.PrecisionRecall.Recall:F3} cov {r.Coverage.ClassesCovered} KL {r.Coverage.KlFromUniform:F3} eval {r.Seconds:F1}s");
  }
}
