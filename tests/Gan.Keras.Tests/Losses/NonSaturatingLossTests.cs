using Gan.Keras.Losses;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Losses;

public class NonSaturatingLossTests
{
    [Fact]
    public void OnLogits_MeetsGanLossContract()
    {
        // Given the non-saturating loss on logits, r = [1, −1, 2, 0.5], f = [−0.5, 0, 1, −2]
        // When the contract runs
        // Then D = mean softplus(−r) + mean softplus(f) = 0.556882 + 0.651853 and
        //      G = mean softplus(−f) = (0.974077 + 0.693147 + 0.313262 + 2.126928) / 4 = 1.026853
        GanLossContract.Verify(new GanLossCase(() => new NonSaturatingLoss(), GanLossContract.Real, GanLossContract.Fake,
            1.2087356, 1.0268535,
            (r, f) => NonSaturatingLoss.DiscriminatorTerm(r, f), NonSaturatingLoss.GeneratorTerm));
    }

    [Fact]
    public void WithLabelLossOnProbabilities_MeetsGanLossContract()
    {
        // Given the Keras-example form with BinaryCrossentropy on probabilities p_r = [0.9, 0.6, 0.8, 0.7], p_f = [0.1, 0.3, 0.2, 0.4]
        // When the contract runs
        // Then D = mean −ln p_r + mean −ln(1 − p_f) = 0.299001 + 0.299001 and G = mean −ln p_f = 1.508072
        GanLossContract.Verify(new GanLossCase(() => new NonSaturatingLoss(new BinaryCrossentropy()),
            new[] { 0.9f, 0.6f, 0.8f, 0.7f }, new[] { 0.1f, 0.3f, 0.2f, 0.4f }, 0.5980023, 1.5080716));
    }

    [Fact]
    public void WithLabelLossAndOneSidedSmoothing_UsesRealTargetOneMinusS()
    {
        // Given smoothing 0.2: the real targets are 0.8, so the real term is mean −(0.8·ln p + 0.2·ln(1 − p)) = 0.540815
        // When the contract runs
        // Then D = 0.540815 + 0.299001 and the generator still aims at 1
        GanLossContract.Verify(new GanLossCase(() => new NonSaturatingLoss(new BinaryCrossentropy(), 0.2),
            new[] { 0.9f, 0.6f, 0.8f, 0.7f }, new[] { 0.1f, 0.3f, 0.2f, 0.4f }, 0.8398164, 1.5080716));
    }
    [Fact]
    public void MeanOverRealAndFake_ReportsKerasDLoss_HalfTheSum()
    {
        // Given logits r = [2, −1], f = [0.5, −3], on logits and through a probability label loss
        using var scope = TorchSharp.torch.NewDisposeScope();
        var r = TorchSharp.torch.tensor(new float[] { 2, -1 });
        var f = TorchSharp.torch.tensor(new float[] { 0.5f, -3 });
        var summed = new NonSaturatingLoss();
        var keras = new NonSaturatingLoss { MeanOverRealAndFake = true };
        var kerasOnProbabilities = new NonSaturatingLoss(new BinaryCrossentropy()) { MeanOverRealAndFake = true };

        // When
        float sum = summed.DiscriminatorLoss(r, f).item<float>();
        float mean = keras.DiscriminatorLoss(r, f).item<float>();
        float meanOnProbabilities = kerasOnProbabilities.DiscriminatorLoss(TorchSharp.torch.sigmoid(r), TorchSharp.torch.sigmoid(f)).item<float>();

        // Then mean softplus(−r) + mean softplus(f) = 1.23143 (hand-computed), and Keras's d_loss is half of it
        Assert.Equal(1.2314270171575221, sum, 5);
        Assert.Equal(0.6157135085787611, mean, 5);
        Assert.Equal(0.6157135085787611, meanOnProbabilities, 5);
        Assert.Equal(summed.GeneratorLoss(f).item<float>(), keras.GeneratorLoss(f).item<float>());
    }

    [Fact]
    public void OnLogits_ScoresAreTheSigmoidOfTheOutputs_AsProbabilities()
    {
        // Given the logit loss and the loss on probabilities
        var onLogits = new NonSaturatingLoss();
        var onProbabilities = new NonSaturatingLoss(new BinaryCrossentropy(fromLogits: false));
        using var outputs = torch.tensor(new float[] { 0, 2, 0.25f });

        // When their scores are taken
        using var fromLogits = onLogits.Score(outputs);
        using var asGiven = onProbabilities.Score(outputs);

        // Then the logit loss applies the sigmoid, the other keeps the outputs; both scores are probabilities
        var sigmoid = fromLogits.data<float>().ToArray();
        Assert.Equal(0.5, sigmoid[0], 6);
        Assert.Equal(1 / (1 + Math.Exp(-2)), sigmoid[1], 6);
        Assert.Equal(1 / (1 + Math.Exp(-0.25)), sigmoid[2], 6);
        Assert.Equal(new[] { 0f, 2f, 0.25f }, asGiven.data<float>().ToArray());
        Assert.True(Assert.IsType<BinaryCrossentropy>(onLogits.LabelLoss).FromLogits);
        Assert.True(onLogits.ScoresAreProbabilities);
        Assert.True(onProbabilities.ScoresAreProbabilities);
    }

    [Fact]
    public void Constructor_RefusesANullLabelLoss()
    {
        Assert.Equal("labelLoss", Assert.Throws<ArgumentNullException>(() => new NonSaturatingLoss(null!)).ParamName);
    }

    [Fact]
    public void ScoresAreNotProbabilities_WithALabelLossThatIsNeitherOnLogitsNorCrossEntropy()
    {
        var loss = new NonSaturatingLoss(new SquaredError());

        Assert.False(loss.LabelLoss.ExpectsLogits);
        Assert.False(loss.ScoresAreProbabilities);
    }

    /// <summary>A label loss of the user's: the squared error, on outputs of no fixed meaning.</summary>
    private sealed class SquaredError : Loss
    {
        protected override torch.Tensor PerExample(torch.Tensor yTrue, torch.Tensor yPred) => (yPred - yTrue).square();
    }
}
