namespace Gan.Keras.Training.Runs;

/// <summary>
/// A run setting that is invalid, unknown or contradicts another one, or a configuration file that cannot be read. The
/// message names settings by their <c>run.json</c> keys ("setting 'batch-size'"); a front end that binds settings to
/// other names (the <c>gan</c> CLI's <c>--batch-size</c>) words the same message with its own through <see cref="Describe"/>.
/// </summary>
public sealed class RunConfigurationException : ArgumentException
{
    private readonly Func<Func<string, string>, string> describe;

    /// <summary>Initializes a new instance of the <see cref="RunConfigurationException"/> class.</summary>
    /// <param name="setting">The key of the setting at fault (<c>model</c>, <c>batch-size</c>), or null when the whole file is at fault.</param>
    /// <param name="describe">Writes the message, given how to name a setting by its key.</param>
    /// <param name="file">The configuration file the setting was read from, or null for a value given directly.</param>
    /// <param name="innerException">The underlying error, or null.</param>
    public RunConfigurationException(string? setting, Func<Func<string, string>, string> describe, string? file = null, Exception? innerException = null)
        : base((describe ?? throw new ArgumentNullException(nameof(describe)))(LibraryName), innerException)
    {
        this.describe = describe;
        Setting = setting;
        File = file;
    }

    /// <summary>Initializes a new instance of the <see cref="RunConfigurationException"/> class with a fixed message.</summary>
    public RunConfigurationException(string message) : this(null, _ => message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="RunConfigurationException"/> class with a fixed message and its cause.</summary>
    public RunConfigurationException(string message, Exception innerException) : this(null, _ => message, null, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="RunConfigurationException"/> class.</summary>
    public RunConfigurationException() : this("The run configuration is invalid.")
    {
    }

    /// <summary>Gets the key of the setting at fault, or null when the whole file is at fault.</summary>
    public string? Setting { get; }

    /// <summary>Gets the configuration file the value came from, or null for a value given directly.</summary>
    public string? File { get; }

    /// <summary>Words the message with another name for each setting (the CLI passes <c>key =&gt; "--" + key</c>).</summary>
    public string Describe(Func<string, string> nameSetting)
    {
        ArgumentNullException.ThrowIfNull(nameSetting);
        return describe(nameSetting);
    }

    private static string LibraryName(string key) => $"setting '{key}'";
}
