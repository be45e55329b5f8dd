using Exim.Host.Configuration;
using Exim.Mail.Spool;

namespace Exim.Host.Cli.Commands;

/// <summary>
/// <c>exim -Mvh &lt;id&gt;</c>, <c>exim -Mvb &lt;id&gt;</c> and <c>exim -Mvl &lt;id&gt;</c>: the message's -H or -D spool file, or its
/// message log (<see cref="MessageLog"/>), copied to stdout byte for byte, as Exim's queue_action does (so -Mvb starts
/// with the file's <c>&lt;id&gt;-D</c> line). No lock: Exim takes none to read. One message only; a missing file gets
/// Exim's <c>Failed to open input file for &lt;id&gt;-H: …</c> (<c>msglog file for &lt;id&gt;</c>) line and exit 1.
/// </summary>
internal static class ShowSpoolFileCommand
{
    /// <param name="suffix">-H or -D for the spool files; empty for the message log.</param>
    public static async Task<int> RunAsync(CommandLine cl, string option, string suffix, Stream output, TextWriter text, TextWriter error)
    {
        if (cl.Arguments.IsEmpty)
        {
            await error.WriteLineAsync($"exim: no message ids given after {option} option").ConfigureAwait(false);
            return 1;
        }
        var id = cl.Arguments[0];
        if (!MessageId.IsValid(id))
        {
            await error.WriteLineAsync($"exim: malformed message id {id} after {option} option").ConfigureAwait(false);
            return 1;
        }
        if (cl.Arguments.Length > 1)
        {
            await text.WriteLineAsync("*** Only one message can be listed at once").ConfigureAwait(false);
            return 1;
        }
        var loaded = TomlConfigLoader.Load(cl.ConfigPath);
        if (!loaded.Succeeded) return ConfigErrors.Print(loaded.Errors, error);
        var main = loaded.Config.Config.Main;
        // Split or not, wherever the file is (Exim's queue_action looks in both places); the unsplit name when it is in neither.
        var split = main.SplitSpoolDirectory;
        var (subdirectory, path) = suffix.Length == 0
            ? ("msglog", MessageLog.Find(main.SpoolDirectory, cl.QueueName, id, split) ?? MessageLog.PathOf(SpoolPaths.Input(main.SpoolDirectory, cl.QueueName), id))
            : ("input", Path.Combine(SpoolPaths.Find(main.SpoolDirectory, cl.QueueName, id, split, suffix) ?? SpoolPaths.Input(main.SpoolDirectory, cl.QueueName), id + suffix));
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var why = e switch
            {
                FileNotFoundException or DirectoryNotFoundException => "No such file or directory",
                UnauthorizedAccessException => "Permission denied",
                _ => e.Message,
            };
            await text.WriteLineAsync($"Failed to open {subdirectory} file for {id}{suffix}: {why}").ConfigureAwait(false);
            if (suffix.Length == 0 && !main.MessageLogs)
            {
                await text.WriteLineAsync("(No message logs are being created because the message_logs option is false.)").ConfigureAwait(false);
            }
            return 1;
        }
        await using (file.ConfigureAwait(false))
        {
            await text.FlushAsync().ConfigureAwait(false);
            await file.CopyToAsync(output).ConfigureAwait(false);
            await output.FlushAsync().ConfigureAwait(false);
        }
        return 0;
    }
}
