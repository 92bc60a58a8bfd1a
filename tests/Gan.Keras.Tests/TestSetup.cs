using System.Runtime.CompilerServices;
using TorchSharp;

namespace Gan.Keras.Tests;

internal static class TestSetup
{
    /// <summary>
    /// One libtorch thread: the test models are small, and OpenMP's spinning threads slow them down many times over
    /// when the two cores of a CI machine are shared (measured: 6 s instead of 105 s for `gan train` under load).
    /// </summary>
#pragma warning disable CA2255 // A module initializer is the one place that runs before every test.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void UseOneThread() => torch.set_num_threads(1);
}
