using Gan.Keras.Losses;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Losses;

public class LossTests
{
    [Fact]
    public void SampleWeight_ScalesEachExample_AndDividesByTheBatchSize_AsKerasSumOverBatchSize()
    {
        // Given per-example squared errors 1, 4, 9 (images of one element each)
        var yTrue = torch.zeros(3, 1);
        var yPred = torch.tensor(new float[] { 1, 2, 3 }).reshape(3, 1);
        var loss = new MeanSquaredError();

        // When
        float weighted = loss.Call(yTrue, yPred, torch.tensor(new float[] { 2, 0, 1 })).item<float>();
        float ones = loss.Call(yTrue, yPred, torch.ones(3)).item<float>();

        // Then: (2·1 + 0·4 + 1·9) / 3, and weights of one change nothing
        Assert.Equal(11f / 3, weighted, 6);
        Assert.Equal(loss.Call(yTrue, yPred).item<float>(), ones, 6);
        Assert.Throws<ArgumentException>(() => loss.Call(yTrue, yPred, torch.ones(2)));
    }

    [Fact]
    public void SampleWeight_OnImages_BroadcastsOverEveryElementOfAnExample()
    {
        var yTrue = torch.zeros(2, 1, 2, 2);
        var yPred = torch.ones(2, 1, 2, 2);
        yPred[1].fill_(3);

        float weighted = new MeanAbsoluteError().Call(yTrue, yPred, torch.tensor(new float[] { 1, 0.5f })).item<float>();

        Assert.Equal((1 + 0.5f * 3) / 2, weighted, 6);
    }

    [Theory]
    [InlineData("binary_crossentropy", typeof(BinaryCrossentropy))]
    [InlineData("categorical_crossentropy", typeof(CategoricalCrossentropy))]
    [InlineData("sparse_categorical_crossentropy", typeof(SparseCategoricalCrossentropy))]
    [InlineData("mse", typeof(MeanSquaredError))]
    [InlineData("mean_squared_error", typeof(MeanSquaredError))]
    [InlineData("mae", typeof(MeanAbsoluteError))]
    [InlineData("mean_absolute_error", typeof(MeanAbsoluteError))]
    public void Get_ReturnsTheLossKerasNames(string name, Type expected) => Assert.IsType(expected, Loss.Get(name));

    [Fact]
    public void Get_RefusesAnUnknownName_ListingTheKnownOnes()
    {
        var error = Assert.Throws<ArgumentException>(() => Loss.Get("hinge_loss"));

        Assert.Contains("Unknown loss 'hinge_loss'", error.Message, StringComparison.Ordinal);
        Assert.Contains("binary_crossentropy", error.Message, StringComparison.Ordinal);
    }
}
