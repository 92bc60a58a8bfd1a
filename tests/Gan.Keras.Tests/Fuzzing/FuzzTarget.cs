namespace Gan.Keras.Tests.Fuzzing;

/// <summary>A reader to fuzz: how to make a case, how to read it, and the contract every case must keep.</summary>
/// <param name="Reader">The reader's name, for reports (<c>IDX (gzip)</c>).</param>
/// <param name="FileName">The name the reader's error messages must contain (the file the bytes stand for).</param>
/// <param name="Valid">A valid file, read once before the cases: it must read without error (else the mutations test nothing), and it warms the reader up.</param>
/// <param name="Generate">Makes one mutated file from the seeded <see cref="Mutator"/>.</param>
/// <param name="Read">Reads one file's bytes as the reader would, disposing whatever it returns.</param>
public sealed record FuzzTarget(string Reader, string FileName, byte[] Valid, Func<Mutator, Mutation> Generate, Action<byte[]> Read)
{
    /// <summary>Gets the exception type the reader documents for a corrupt file (subclasses count); <see cref="InvalidDataException"/> unless the reader says otherwise.</summary>
    public Type Expected { get; init; } = typeof(InvalidDataException);

    /// <summary>Gets the seed of the mutator (fixed, so a failure reproduces).</summary>
    public int Seed { get; init; } = 13;

    /// <summary>Gets the number of mutations to run; the issue asks for at least 10,000 per reader.</summary>
    public int Cases { get; init; } = 10_000;

    /// <summary>Gets the managed bytes one read may allocate for a file of the given length (default: 16 × the length + 1 MiB).</summary>
    public Func<long, long> AllocationBound { get; init; } = length => 16 * length + (1 << 20);

    /// <summary>Gets how long one case may take before it counts as a hang.</summary>
    public TimeSpan CaseLimit { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Gets how long all cases together may take.</summary>
    public TimeSpan TotalLimit { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets whether the reader makes libtorch tensors, whose live count must be the same after every case.</summary>
    public bool CountsTensors { get; init; }
}
