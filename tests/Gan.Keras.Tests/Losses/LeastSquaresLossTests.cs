using Gan.Keras.Losses;
using Xunit;

namespace Gan.Keras.Tests.Losses;

public class LeastSquaresLossTests
{
    [Fact]
    public void MeetsGanLossContract()
    {
        // Given r = [1, −1, 2, 0.5], f = [−0.5, 0, 1, −2]
        // When the contract runs
        // Then D = ½·mean (r − 1)² + ½·mean f² = ½·mean[0, 4, 1, 0.25] + ½·mean[0.25, 0, 1, 4] = 0.65625 + 0.65625
        //      G = ½·mean (f − 1)² = ½·mean[2.25, 1, 0, 9] = 1.53125
        GanLossContract.Verify(new GanLossCase(() => new LeastSquaresLoss(), GanLossContract.Real, GanLossContract.Fake,
            1.3125, 1.53125, LeastSquaresLoss.DiscriminatorTerm, LeastSquaresLoss.GeneratorTerm));
    }
}
