using System.Globalization;

namespace Exim.Host.Listeners;

/// <summary>
/// Exim's pid file (§1.5): <c>&lt;pid&gt;\n</c>, mode 0644. An existing file is replaced only when it is a
/// regular file (not a link) holding just digits and a newline; otherwise writing fails quietly. It is removed
/// on SIGTERM/SIGINT only if it still holds this process's pid.
/// </summary>
internal static class PidFile
{
    public static string PathFor(string? overridePath, string pidFilePath, string spoolDirectory)
        => overridePath ?? (pidFilePath.Length > 0 ? pidFilePath : System.IO.Path.Combine(spoolDirectory, "exim-daemon.pid"));

    public static bool TryWrite(string path, int pid, out string? error)
    {
        error = null;
        try
        {
            var info = new FileInfo(path);
            if (info.Exists)
            {
                if (info.LinkTarget is not null || !IsPidText(File.ReadAllText(path)))
                {
                    error = $"existing pid file {path} is not a plain pid file; not replaced";
                    return false;
                }
                File.Delete(path);
            }
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
            var options = new FileStreamOptions
            {
                Mode = FileMode.CreateNew, // O_EXCL: never follows a link planted after the check above
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
            };
            using var stream = new FileStream(path, options);
            stream.Write(System.Text.Encoding.ASCII.GetBytes(pid.ToString(CultureInfo.InvariantCulture) + "\n"));
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = $"cannot write pid file {path}: {e.Message}";
            return false;
        }
    }

    public static void RemoveIfOurs(string path, int pid)
    {
        try
        {
            if (File.Exists(path) && File.ReadAllText(path).Trim() == pid.ToString(CultureInfo.InvariantCulture)) File.Delete(path);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    private static bool IsPidText(string text) => text.Length > 1 && text[^1] == '\n' && text[..^1].All(char.IsAsciiDigit);
}
