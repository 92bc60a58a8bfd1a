namespace Gan.Keras.Tests.Fuzzing;

/// <summary>
/// A fresh folder for fuzzing a reader that takes a path: its file is rewritten for every case, so it lives in memory
/// where the system has a RAM file system (<c>/dev/shm</c> on Linux), else in the temp folder. Deleted on dispose.
/// </summary>
public sealed class FuzzFolder : IDisposable
{
    /// <summary>Initializes a new instance of the <see cref="FuzzFolder"/> class.</summary>
    public FuzzFolder()
    {
        string root = Directory.Exists("/dev/shm") ? "/dev/shm" : System.IO.Path.GetTempPath();
        Path = System.IO.Path.Combine(root, "gan-keras-fuzz", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    /// <summary>Gets the folder's path.</summary>
    public string Path { get; }

    /// <summary>Gets the path of <paramref name="name"/> in the folder.</summary>
    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Deletes the folder and everything in it.</summary>
    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
