namespace Gan.Keras.Cli.Serving;

/// <summary>How <c>gan serve</c> names files on its page: relative to the current folder when inside it, else in full.</summary>
internal static class DisplayPath
{
    /// <summary>Returns <paramref name="path"/> relative to the current folder when it lies below it, else its full path.</summary>
    public static string Of(string path)
    {
        string full = Path.GetFullPath(path);
        string relative = Path.GetRelativePath(Environment.CurrentDirectory, full);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? full : relative;
    }
}
