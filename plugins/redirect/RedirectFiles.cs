using System.Text;

namespace Exim.Plugins.Redirect;

/// <summary>Reading redirection files: whole, bounded, with Exim's wording for what went wrong.</summary>
internal static class RedirectFiles
{
    /// <summary>
    /// Reads an open file to its end as UTF-8, at most <paramref name="max"/> bytes' worth: a file that grew since its size
    /// was checked (or a /proc file, whose size says 0) is refused as too big, never read without end.
    /// </summary>
    public static string ReadAll(FileStream stream, int max)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, leaveOpen: true);
        var buffer = new char[max + 1];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = reader.Read(buffer, length, buffer.Length - length)) > 0) length += read;
        if (length > max) throw new IOException($"{stream.Name} is too big (max {max})");
        return new string(buffer, 0, length);
    }

    /// <summary>strerror's text for the usual failures (Exim puts it after the file name).</summary>
    public static string Reason(Exception e) => e switch
    {
        FileNotFoundException or DirectoryNotFoundException => "No such file or directory",
        UnauthorizedAccessException => "Permission denied",
        _ => e.Message,
    };
}
