using TorchSharp;

namespace Gan.Keras;

/// <summary>Global seeding, like <c>keras.utils.set_random_seed</c>.</summary>
public static class RandomSeed
{
    /// <summary>Seeds libtorch's global generator, used by unseeded initializers, dropout and noise layers.</summary>
    public static void Set(long seed) => torch.manual_seed(seed);
}
