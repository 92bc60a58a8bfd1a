using TorchSharp;
using Gan.Keras.Training;
using Xunit;

namespace Gan.Keras.Tests.Training;

public class TrainingStateTests
{
    [Fact]
    public void CaptureAndRestore_AllParts_ContinueTrainingBitForBit()
    {
        // Given a GAN trained one epoch, its state captured, and a twin trained one more epoch from there
        using var data = TinyGan.Data();
        using var gan = TinyGan.Create();
        gan.Fit(data, epochs: 1, batchSize: 64);
        var state = TrainingState.Capture(gan, TrainingStateParts.All);
        gan.Fit(data, epochs: 2, batchSize: 64, initialEpoch: 1);

        // When a fresh GAN restores the captured state and trains the same epoch
        using var fresh = TinyGan.Create(seed: 99);
        TrainingState.Restore(fresh, state, TrainingStateParts.All, "memory");
        fresh.Fit(data, epochs: 2, batchSize: 64, initialEpoch: 1);

        // Then both end with the same bytes in every weight
        var expected = TinyGan.WeightBytes(gan);
        foreach (var (name, bytes) in TinyGan.WeightBytes(fresh)) Assert.True(bytes.AsSpan().SequenceEqual(expected[name]), name);
        foreach (var tensor in state.Values) tensor.Dispose();
    }

    [Fact]
    public void Capture_TakesOnlyTheChosenParts_ByTheirNames()
    {
        using var gan = TinyGan.Create();

        var weights = TrainingState.Capture(gan, TrainingStateParts.Weights);
        var rest = TrainingState.Capture(gan, TrainingStateParts.Optimizers | TrainingStateParts.Random);

        Assert.All(weights.Keys, k => Assert.True(k.StartsWith("generator.", StringComparison.Ordinal) || k.StartsWith("discriminator.", StringComparison.Ordinal), k));
        Assert.Contains("optimizer.generator.iterations", rest.Keys);
        Assert.Contains("rng.model", rest.Keys);
        Assert.DoesNotContain(rest.Keys, k => k.StartsWith("generator.", StringComparison.Ordinal));
        foreach (var tensor in weights.Values.Concat(rest.Values)) tensor.Dispose();
    }

    [Fact]
    public void Restore_ListsEveryMismatch_OnceForAllParts_AndChangesNothing()
    {
        // Given the full state of a GAN with 16 hidden units (trained, so its optimizers have slots) and a GAN with 32
        using var data = TinyGan.Data();
        using var small = TinyGan.Create(hidden: 16);
        small.Fit(data, epochs: 1, batchSize: 64);
        var state = TrainingState.Capture(small, TrainingStateParts.All);
        using var wide = TinyGan.Create(hidden: 32);
        var before = TinyGan.WeightBytes(wide);

        // When the state is restored into the wide GAN
        var error = Assert.Throws<InvalidDataException>(() => TrainingState.Restore(wide, state, TrainingStateParts.All, "small.safetensors"));

        // Then one error names the source, weight and optimizer mismatches alike, and no weight changed
        Assert.Contains("Tensors in 'small.safetensors' do not match", error.Message, StringComparison.Ordinal);
        Assert.Contains("'generator.dense_0.kernel': saved [4, 16], model has [4, 32]", error.Message, StringComparison.Ordinal);
        Assert.Contains("'optimizer.generator.0.m'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("--", error.Message, StringComparison.Ordinal);
        foreach (var (name, bytes) in TinyGan.WeightBytes(wide)) Assert.True(bytes.AsSpan().SequenceEqual(before[name]), name);
        foreach (var tensor in state.Values) tensor.Dispose();
    }

    [Theory]
    [InlineData(8, 0)]
    [InlineData(12, 0)]
    [InlineData(16, 625)]
    public void Restore_RefusesACorruptRandomState_InsteadOfAbortingTheProcess(int at, int value)
    {
        // Given a GAN's state whose global generator state has 'left' (byte 8) or 'seeded' (12) zeroed, or 'next' (16) past 624
        using var gan = TinyGan.Create();
        var state = TrainingState.Capture(gan, TrainingStateParts.All);
        var bytes = state["rng.global"].bytes.ToArray();
        BitConverter.GetBytes(value).CopyTo(bytes, at);
        state["rng.global"].Dispose();
        state["rng.global"] = torch.tensor(bytes, torch.uint8);
        var before = TinyGan.WeightBytes(gan);

        // When it is restored (libtorch's set_state would raise a C++ error that TorchSharp does not catch: the process aborts)
        var error = Assert.Throws<InvalidDataException>(() => TrainingState.Restore(gan, state, TrainingStateParts.All, "bad.safetensors"));

        // Then it is refused with the reason, and nothing changed
        Assert.Contains("'rng.global' is not a random-generator state", error.Message, StringComparison.Ordinal);
        foreach (var (name, weights) in TinyGan.WeightBytes(gan)) Assert.True(weights.AsSpan().SequenceEqual(before[name]), name);
        foreach (var tensor in state.Values) tensor.Dispose();
    }

    [Fact]
    public void Restore_RefusesOptimizerStateMissingASlot_BeforeChangingAnyWeight()
    {
        // Given a trained GAN's state without the generator optimizer's first 'm' slot, and another GAN
        using var data = TinyGan.Data();
        using var trained = TinyGan.Create();
        trained.Fit(data, epochs: 1, batchSize: 64);
        var state = TrainingState.Capture(trained, TrainingStateParts.All);
        state["optimizer.generator.0.m"].Dispose();
        state.Remove("optimizer.generator.0.m");
        using var other = TinyGan.Create(seed: 99);
        var before = TinyGan.WeightBytes(other);

        // When it is restored
        var error = Assert.Throws<InvalidDataException>(() => TrainingState.Restore(other, state, TrainingStateParts.All, "partial.safetensors"));

        // Then it is refused naming the slot, and no weight changed (SetState used to throw ArgumentException after the weights were copied)
        Assert.Contains("lacks '0.m'", error.Message, StringComparison.Ordinal);
        foreach (var (name, weights) in TinyGan.WeightBytes(other)) Assert.True(weights.AsSpan().SequenceEqual(before[name]), name);
        foreach (var tensor in state.Values) tensor.Dispose();
    }
}
