// TEMPORARY, deleted when `git merge main` brings Model.Compile/TrainOnBatch (issue 19): the signatures of
// /work/notes/model-training-api.md as extension methods, so the ports compile and print their parameter counts before
// the API lands. Instance methods win over these once they exist. Training throws.
using Gan.Keras.Losses;
using Gan.Keras.Models;
using Gan.Keras.Optimizers;
using TorchSharp;

namespace Gan.Keras.Examples.KerasPorts.KerasGan;

internal static class PendingTrainingApi
{
    public static void Compile(this Model model, Optimizer optimizer, Loss loss, IReadOnlyList<string>? metrics = null) { }

    public static void Compile(this Model model, Optimizer optimizer, IReadOnlyList<Loss> losses, IReadOnlyList<string>? metrics = null,
        IReadOnlyList<double>? lossWeights = null) { }

    public static IReadOnlyList<float> TrainOnBatch(this Model model, torch.Tensor x, torch.Tensor y,
        IReadOnlyDictionary<int, double>? classWeight = null, torch.Tensor? sampleWeight = null) => throw new NotSupportedException("Model.TrainOnBatch lands with issue 19.");

    public static IReadOnlyList<float> TrainOnBatch(this Model model, IReadOnlyList<torch.Tensor> x, IReadOnlyList<torch.Tensor> y,
        IReadOnlyDictionary<int, double>? classWeight = null, torch.Tensor? sampleWeight = null) => throw new NotSupportedException("Model.TrainOnBatch lands with issue 19.");

    public static torch.Tensor Predict(this Model model, torch.Tensor x, int batchSize = 32) => throw new NotSupportedException("Model.Predict lands with issue 19.");

    public static IReadOnlyList<torch.Tensor> PredictOutputs(this Model model, IReadOnlyList<torch.Tensor> x, int batchSize = 32) => throw new NotSupportedException("Model.PredictOutputs lands with issue 19.");
}
