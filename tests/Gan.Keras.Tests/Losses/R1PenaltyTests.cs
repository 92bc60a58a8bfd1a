using Gan.Keras.Losses;
using Gan.Keras.Training;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Losses;

public class R1PenaltyTests
{
    [Fact]
    public void Compute_IsHalfGammaTimesMeanSquaredGradientNormOnRealData()
    {
        // Given D(x) = ½·Σ x² (∇D(x) = x), real [[3, 4], [1, 0]] (squared norms 25 and 1), and fakes that must not matter
        using var scope = torch.NewDisposeScope();
        var real = torch.tensor(new float[] { 3, 4, 1, 0 }).reshape(2, 2);
        var fake = torch.full(2, 2, 100f);
        var penalty = new R1Penalty(gamma: 10);
        using var noise = new RecordedNoiseSource();

        // When
        var value = penalty.Compute(x => 0.5 * x.square().sum(1), real, fake, noise);

        // Then γ/2 · mean(25, 1) = 5 · 13 = 65, and no random draw was needed
        Assert.Equal(65.0, value.item<float>(), 3);
        Assert.Equal(13.0, R1Penalty.Term(x => 0.5 * x.square().sum(1), real).item<float>(), 4);
        Assert.Equal(5.0, penalty.Weight);
    }

    [Fact]
    public void Compute_RaisesClearError_WhenBatchesDiffer()
    {
        // Given
        using var scope = torch.NewDisposeScope();
        var penalty = new R1Penalty();
        using var noise = new RecordedNoiseSource();

        // When
        var error = Assert.Throws<ArgumentException>(() => penalty.Compute(x => x.sum(1), torch.ones(2, 3), torch.ones(3, 3), noise));

        // Then
        Assert.Contains("real [2, 3] and generated [3, 3]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Name_IsR1_AndWeightIsHalfGamma()
    {
        var penalty = new R1Penalty(gamma: 3);

        Assert.Equal(("r1", 1.5, 3.0), (penalty.Name, penalty.Weight, penalty.Gamma));
    }

    [Fact]
    public void Term_RefusesNullRealData_NamingIt()
    {
        Assert.Equal("real", Assert.Throws<ArgumentNullException>(() => R1Penalty.Term(x => x.sum(1), null!)).ParamName);
    }
}
