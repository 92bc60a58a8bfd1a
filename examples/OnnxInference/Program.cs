// dotnet run --project examples/OnnxInference -- runs/demo/generator.onnx
// Generates 16 samples from a generator exported by `gan export`, with ONNX Runtime only (the README's C# snippet).
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

using var session = new InferenceSession(args.Length > 0 ? args[0] : "generator.onnx");
var meta = session.ModelMetadata.CustomMetadataMap;
int n = 16, latentDim = int.Parse(meta["gan_keras.latent_dim"], System.Globalization.CultureInfo.InvariantCulture);
var random = new Random(42);
var z = new float[n * latentDim];
for (int i = 0; i < z.Length; i++) z[i] = (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
var inputs = new List<NamedOnnxValue> { NamedOnnxValue.CreateFromTensor("latent", new DenseTensor<float>(z, new[] { n, latentDim })) };
if (meta.TryGetValue("gan_keras.num_classes", out var classes))   // conditional generators: one class per sample
    inputs.Add(NamedOnnxValue.CreateFromTensor("labels", new DenseTensor<long>(Enumerable.Range(0, n).Select(i => (long)(i % int.Parse(classes, System.Globalization.CultureInfo.InvariantCulture))).ToArray(), new[] { n })));
using var results = session.Run(inputs);
var samples = results[0].AsTensor<float>();   // [n, channels, height, width] (or [n, features]), in the generator's range
Console.WriteLine($"samples [{string.Join(", ", samples.Dimensions.ToArray())}], values {samples.Min():F3} to {samples.Max():F3}");
