using Gan.Keras.Evaluation;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Evaluation;

public class ClassCoverageTests
{
    [Fact]
    public void FromLogits_CountsPredictedClasses_AndMeasuresKlFromUniform()
    {
        // Given predictions: 30 × class 0, 10 × class 1, none of the other 8 classes
        using var scope = torch.NewDisposeScope();
        var labels = torch.cat(new[] { torch.zeros(30, torch.int64), torch.ones(10, torch.int64) }, 0);
        var logits = torch.nn.functional.one_hot(labels, 10).to_type(torch.float32);

        // When coverage is computed
        var coverage = ClassCoverage.FromLogits(logits);

        // Then the histogram, the covered classes and KL = 0.75 log(7.5) + 0.25 log(2.5)
        Assert.Equal(new[] { 30, 10, 0, 0, 0, 0, 0, 0, 0, 0 }, coverage.Counts);
        Assert.Equal(2, coverage.ClassesCovered);
        Assert.Equal(0.75 * Math.Log(7.5) + 0.25 * Math.Log(2.5), coverage.KlFromUniform, 12);
    }

    [Fact]
    public void FromLogits_IsZeroForEvenClasses_AndLogTenForOneClass()
    {
        // Given an even spread and a collapse
        using var scope = torch.NewDisposeScope();
        var even = torch.nn.functional.one_hot(torch.arange(100) % 10, 10).to_type(torch.float32);
        var collapsed = torch.nn.functional.one_hot(torch.full(100, 7L), 10).to_type(torch.float32);

        // When coverage is computed
        var spread = ClassCoverage.FromLogits(even);
        var one = ClassCoverage.FromLogits(collapsed);

        // Then KL is 0 and log 10
        Assert.Equal(0, spread.KlFromUniform, 12);
        Assert.Equal(10, spread.ClassesCovered);
        Assert.Equal(Math.Log(10), one.KlFromUniform, 12);
        Assert.Equal(1, one.ClassesCovered);
    }
}
