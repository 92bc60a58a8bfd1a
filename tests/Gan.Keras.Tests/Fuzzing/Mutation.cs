namespace Gan.Keras.Tests.Fuzzing;

/// <summary>One mutated input: its bytes and how they were made (enough to tell one case from another in a failure).</summary>
/// <param name="Description">The mutations applied, in order (<c>flip bit 3 of byte 17; truncate to 40</c>).</param>
/// <param name="Bytes">The mutated file content.</param>
public sealed record Mutation(string Description, byte[] Bytes);
