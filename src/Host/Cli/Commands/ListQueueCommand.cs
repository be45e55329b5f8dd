using System.Globalization;
using Exim.Host.Configuration;
using Exim.Mail.Spool;

namespace Exim.Host.Cli.Commands;

/// <summary>
/// <c>exim -bp [id...]</c>: the queue in the format of Exim's queue_list, oldest first, or only the messages named, in the order
/// given: age, size, id and sender, then each recipient indented by ten spaces (a delivered one as <c>        D address</c>),
/// and a blank line after each message. A named message that is not there gets Exim's <c>*** spool read error ***</c> line.
/// <c>exim -qG&lt;name&gt; -bp</c> lists the named queue instead of the default one. <c>-bpr</c> lists in directory order,
/// <c>-bpu</c> only undelivered recipients, <c>-bpa</c> also generated delivered addresses (see <see cref="QueueListKind"/>).
/// </summary>
internal static class ListQueueCommand
{
    public static int Run(CommandLine cl, TextWriter output, TextWriter error)
    {
        var result = TomlConfigLoader.Load(cl.ConfigPath);
        if (!result.Succeeded) return ConfigErrors.Print(result.Errors, error);
        var main = result.Config.Config.Main;
        var spool = main.SpoolDirectory;
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var kind = cl.Listing.Kind;
        if (cl.Arguments.IsEmpty)
        {
            // Names first, then each -H file read as it is printed (Exim's queue_list): memory stays flat on a large queue.
            // Written in chunks of about 64 KB: stdout writes through, and a write per line was most of the time on a large queue.
            using var chunk = new StringWriter(CultureInfo.InvariantCulture);
            foreach (var m in SpoolQueue.List(spool, cl.QueueName, sorted: !cl.Listing.Unsorted))
            {
                Write(chunk, m, now, kind);
                if (chunk.GetStringBuilder().Length < 64 * 1024) continue;
                output.Write(chunk.GetStringBuilder());
                chunk.GetStringBuilder().Clear();
            }
            output.Write(chunk.GetStringBuilder());
            return 0;
        }
        foreach (var id in cl.Arguments)
        {
            switch (SpoolQueue.Read(spool, cl.QueueName, id, main.SplitSpoolDirectory, out var message))
            {
                case SpoolReadStatus.Ok:
                    Write(output, message!, now, kind);
                    break;
                case SpoolReadStatus.FormatError:
                    var size = new FileInfo(Path.Combine(SpoolPaths.Find(spool, cl.QueueName, id, main.SplitSpoolDirectory) ?? "", id + "-H")).Length.ToString(CultureInfo.InvariantCulture);
                    output.Write($"{Size(0)} {id}\n    *** spool format error: size={size} ***\n\n");
                    break;
                case SpoolReadStatus.Unreadable:
                    output.Write($"{Size(0)} {id}\n    *** spool read error: Permission denied ***\n\n");
                    break;
                default:
                    output.Write($"{Size(0)} {id}\n    *** spool read error: No such file or directory ***\n\n");
                    break;
            }
        }
        return 0;
    }

    /// <summary>
    /// One message as queue_list prints it; -bpu leaves out the delivered recipients, -bpa adds the delivered addresses that
    /// are not envelope recipients as <c>       +D address</c>, in the order of Exim's tree (byte order).
    /// </summary>
    private static void Write(TextWriter output, QueuedMessage m, long now, QueueListKind kind)
    {
        var frozen = m.Frozen ? " *** frozen ***" : "";
        var received = m.Received.ToUnixTimeSeconds();
        output.Write($"{Age(TimeSpan.FromSeconds(now - received))} {Size(SpoolQueue.MessageSize(m))} {m.Id} <{m.Sender}>{frozen}\n");
        foreach (var r in m.Recipients)
        {
            var delivered = m.Done.Contains(r);
            if (!delivered) output.Write($"          {r}\n");
            else if (kind != QueueListKind.UndeliveredOnly) output.Write($"        D {r}\n");
        }
        if (kind == QueueListKind.PlusGenerated)
        {
            foreach (var extra in m.Done.Except(m.Recipients)) output.Write($"       +D {extra}\n");
        }
        output.Write('\n');
    }

    /// <summary>
    /// Exim's queue age (queue_list): whole minutes up to 90, then hours rounded to the nearest up to 72, then days rounded
    /// to the nearest; the number printed <c>%2d</c>. Seconds are divided as C divides them, truncating towards zero.
    /// </summary>
    internal static string Age(TimeSpan age)
    {
        var ci = CultureInfo.InvariantCulture;
        var minutes = (long)age.TotalSeconds / 60;
        if (minutes <= 90) return minutes.ToString(ci).PadLeft(2) + "m";
        var hours = (minutes + 30) / 60;
        return hours <= 72 ? hours.ToString(ci).PadLeft(2) + "h" : ((hours + 12) / 24).ToString(ci).PadLeft(2) + "d";
    }

    /// <summary>
    /// Exim's string_format_size: five blanks for 0, bytes <c>%5d</c>, then <c>%4.1fK</c> below 10K, <c>%4dK</c> rounded to
    /// the nearest below 1M, and the same in M. printf rounds the one decimal of an exact tie to even.
    /// </summary>
    internal static string Size(long bytes)
    {
        var ci = CultureInfo.InvariantCulture;
        if (bytes == 0) return "     ";
        if (bytes < 1024) return bytes.ToString(ci).PadLeft(5);
        if (bytes < 10 * 1024) return Tenths(bytes, 1024).PadLeft(4) + "K";
        if (bytes < 1024 * 1024) return ((bytes + 512) / 1024).ToString(ci).PadLeft(4) + "K";
        if (bytes < 10L * 1024 * 1024) return Tenths(bytes, 1024 * 1024).PadLeft(4) + "M";
        return ((bytes + 512 * 1024) / (1024 * 1024)).ToString(ci).PadLeft(4) + "M";
    }

    /// <summary><paramref name="value"/> / <paramref name="unit"/> with one decimal, rounded as printf rounds (to nearest, a tie to even).</summary>
    private static string Tenths(long value, long unit)
    {
        var (tenths, rest) = Math.DivRem(value * 10, unit);
        if (rest * 2 > unit || (rest * 2 == unit && tenths % 2 == 1)) tenths++;
        return string.Create(CultureInfo.InvariantCulture, $"{tenths / 10}.{tenths % 10}");
    }
}
