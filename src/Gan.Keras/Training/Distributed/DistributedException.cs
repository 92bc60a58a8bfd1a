namespace Gan.Keras.Training.Distributed;

/// <summary>
/// A data-parallel run could not start or continue: MPI or NCCL is missing, failed to initialise, or a collective
/// call returned an error. The message names the library, the call and the likely fix.
/// </summary>
public sealed class DistributedException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="DistributedException"/> class.</summary>
    public DistributedException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="DistributedException"/> class with a message.</summary>
    /// <param name="message">What failed, and what to do about it.</param>
    public DistributedException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="DistributedException"/> class with a message and its cause.</summary>
    /// <param name="message">What failed, and what to do about it.</param>
    /// <param name="innerException">The underlying error.</param>
    public DistributedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
