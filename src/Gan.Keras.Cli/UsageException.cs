namespace Gan.Keras.Cli;

/// <summary>An invalid command line or configuration value: printed as one line, exit code 2.</summary>
internal sealed class UsageException : Exception
{
    public UsageException(string message) : base(message) { }

    public UsageException(string message, Exception inner) : base(message, inner) { }

    public UsageException() { }
}
