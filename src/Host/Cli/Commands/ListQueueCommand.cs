using System.Globalization;
using Exim.Host.Configuration;
using Exim.Mail.Spool;

namespace Exim.Host.Cli.Commands;

/// <summary>
/// <c>exim -bp</c>: the queue in Exim's format, oldest first: age, size, id and sender, then each recipient
/// indented by ten spaces (a delivered one as <c>        D address</c>), and a blank line after each message.
/// <c>exim -qG&lt;name&gt; -bp</c> lists the named queue instead of the default one.
/// </summary>
internal static class ListQueueCommand
{
    public static int Run(CommandLine cl, TextWriter output, TextWriter error)
    {
        var result = TomlConfigLoader.Load(cl.ConfigPath);
        if (!result.Succeeded) return ConfigErrors.Print(result.Errors, error);
        var spool = result.Config.Config.Main.SpoolDirectory;
        var now = DateTimeOffset.UtcNow;
        foreach (var m in SpoolQueue.List(spool, cl.QueueName))
        {
            var frozen = m.Frozen ? " *** frozen ***" : "";
            output.WriteLine($"{Age(now - m.Received),3} {Size(SpoolQueue.SizeOf(spool, m.Id, cl.QueueName)),5} {m.Id} <{m.Sender}>{frozen}");
            foreach (var r in m.Recipients) output.WriteLine(m.Done.Contains(r) ? $"        D {r}" : $"          {r}");
            output.WriteLine();
        }
        return 0;
    }

    /// <summary>Exim's queue age: minutes under 100m, then hours under 100h, then days.</summary>
    internal static string Age(TimeSpan age)
    {
        var minutes = (long)Math.Max(0, age.TotalMinutes);
        if (minutes < 100) return $"{minutes}m";
        var hours = minutes / 60;
        return hours < 100 ? $"{hours}h" : $"{hours / 24}d";
    }

    /// <summary>Exim's string_format_size: bytes, then K and M with one decimal below ten.</summary>
    internal static string Size(long bytes)
    {
        var ci = CultureInfo.InvariantCulture;
        if (bytes < 1024) return bytes.ToString(ci);
        if (bytes < 10 * 1024) return (bytes / 1024.0).ToString("0.0", ci) + "K";
        if (bytes < 1024 * 1024) return (bytes / 1024).ToString(ci) + "K";
        if (bytes < 10L * 1024 * 1024) return (bytes / (1024.0 * 1024)).ToString("0.0", ci) + "M";
        return (bytes / (1024 * 1024)).ToString(ci) + "M";
    }
}
