namespace Exim.Host.Scripting;

/// <summary>A script's text and how to name it in messages.</summary>
/// <param name="FullPath">The file's absolute path (also the path in stack traces).</param>
/// <param name="DisplayPath">The path as messages show it: relative to the configuration's directory when it is below it.</param>
/// <param name="Text">The source.</param>
internal sealed record ScriptSource(string FullPath, string DisplayPath, string Text)
{
    public static ScriptSource Read(string fullPath, string configDirectory)
    {
        var relative = Path.GetRelativePath(configDirectory, fullPath);
        var display = relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? fullPath : relative;
        return new ScriptSource(fullPath, display, File.ReadAllText(fullPath));
    }
}
