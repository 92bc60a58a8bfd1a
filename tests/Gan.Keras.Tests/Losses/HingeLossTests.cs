using Gan.Keras.Losses;
using Xunit;

namespace Gan.Keras.Tests.Losses;

public class HingeLossTests
{
    [Fact]
    public void MeetsGanLossContract()
    {
        // Given r = [1, −1, 2, 0.5], f = [−0.5, 0, 1, −2]
        // When the contract runs
        // Then D = mean relu(1 − r) + mean relu(1 + f) = mean[0, 2, 0, 0.5] + mean[0.5, 1, 2, 0] = 0.625 + 0.875 and G = −mean f = 0.375
        GanLossContract.Verify(new GanLossCase(() => new HingeLoss(), GanLossContract.Real, GanLossContract.Fake,
            1.5, 0.375, HingeLoss.DiscriminatorTerm, HingeLoss.GeneratorTerm));
    }
}
