namespace Gan.Keras.Tests.Fuzzing;

/// <summary>A fuzz run found cases that broke the reader's contract; the message lists each kind with its first case.</summary>
public sealed class FuzzFailedException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="FuzzFailedException"/> class.</summary>
    public FuzzFailedException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="FuzzFailedException"/> class with a message.</summary>
    public FuzzFailedException(string message) : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="FuzzFailedException"/> class with a message and a cause.</summary>
    public FuzzFailedException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
