using System.Text;

namespace Exim.Plugins.Redirect;

/// <summary>Reading redirection files: whole, bounded, with Exim's wording for what went wrong.</summary>
internal static class RedirectFiles
{
    /// <summary>Reads an open file to its end as UTF-8 (the caller has checked its size).</summary>
    public static string ReadAll(FileStream stream)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, leaveOpen: true);
        return reader.ReadToEnd();
    }

    /// <summary>strerror's text for the usual failures (Exim puts it after the file name).</summary>
    public static string Reason(Exception e) => e switch
    {
        FileNotFoundException or DirectoryNotFoundException => "No such file or directory",
        UnauthorizedAccessException => "Permission denied",
        _ => e.Message,
    };
}
