using System.Buffers.Binary;
using TorchSharp;

namespace Gan.Keras.Internal;

/// <summary>
/// Checks a saved CPU random-generator state before libtorch sees it. <c>CPUGeneratorImpl::set_state</c> raises a
/// C++ error for a malformed state that TorchSharp does not translate: the process aborts. So a state read from a file
/// is checked here first, against the layout libtorch reads (<c>aten/src/ATen/CPUGeneratorImpl.cpp</c>,
/// <c>CPUGeneratorImplStateLegacy</c>: <c>uint64 the_initial_seed; int left; int seeded; uint64 next; uint64 state[624]</c>…)
/// and the test of <c>at::mt19937::is_valid</c> (<c>seeded</c>, <c>0 &lt; left ≤ 624</c>, <c>next ≤ 624</c>).
/// </summary>
internal static class GeneratorState
{
    private const int MersenneStateN = 624;

    /// <summary>Gets what is wrong with <paramref name="state"/> as a CPU generator state, or null when libtorch will accept it.</summary>
    public static string? Problem(torch.Tensor state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.dtype != torch.uint8 || state.dim() != 1)
            return $"it must be a 1-D uint8 tensor, but is {state.dtype} of shape [{string.Join(", ", state.shape)}]";
        long expected = ExpectedBytes;
        if (state.numel() != expected)
            return $"it holds {state.numel()} bytes, but this libtorch's generator state is {expected}";
        var bytes = state.bytes;
        int left = BinaryPrimitives.ReadInt32LittleEndian(bytes[8..]);
        int seeded = BinaryPrimitives.ReadInt32LittleEndian(bytes[12..]);
        uint next = (uint)BinaryPrimitives.ReadUInt64LittleEndian(bytes[16..]);
        if (seeded == 0 || left <= 0 || left > MersenneStateN || next > MersenneStateN)
            return $"it is not a valid mt19937 state (seeded {seeded}, left {left}, next {next}; libtorch needs seeded, 0 < left ≤ {MersenneStateN}, next ≤ {MersenneStateN})";
        return null;
    }

    private static long ExpectedBytes
    {
        get
        {
            using var current = torch.get_rng_state();
            return current.numel();
        }
    }
}
