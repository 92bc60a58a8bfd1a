using Xunit;

namespace Gan.Keras.Tests;

/// <summary>
/// Skips a test whose external program (mpirun, Chromium) is missing, with the reason, unless <c>GAN_KERAS_NO_SKIPS=1</c>:
/// then the test fails instead. <c>.ci/run</c> sets it after installing those programs as root, so CI cannot be green
/// without the tests that need them.
/// </summary>
internal static class OptionalTools
{
    /// <summary>The environment variable that turns a missing program into a failure.</summary>
    public const string NoSkipsVariable = "GAN_KERAS_NO_SKIPS";

    /// <summary>Gets whether a missing program fails the test (<see cref="NoSkipsVariable"/> is 1).</summary>
    public static bool SkipsForbidden => Environment.GetEnvironmentVariable(NoSkipsVariable) == "1";

    /// <summary>Skips the calling test with <paramref name="reason"/> when <paramref name="available"/> is false; fails it instead when skips are forbidden.</summary>
    public static void SkipUnless(bool available, string reason)
    {
        if (available) return;
        if (SkipsForbidden) Assert.Fail($"{reason} ({NoSkipsVariable}=1: a missing program fails the test instead of skipping it.)");
        Skip.If(true, reason);
    }
}
