using Microsoft.Extensions.Logging;

namespace Exim.Mail.Delivery;

/// <summary>Queue-run lines about the run itself rather than a message (50xx).</summary>
internal static partial class QueueRunLog
{
    /// <summary>queue.c, deliver_queue_load_max; the detail is the Start line's (without a named queue's name).</summary>
    [LoggerMessage(5060, LogLevel.Information, "Abandon queue run: pid={Pid}{Flags} (load {Load}, max {Max})")]
    private static partial void Abandoned(ILogger logger, int pid, string flags, string load, string max);

    /// <summary>Load averages as Exim prints them: the value × 1000 with two decimals.</summary>
    public static void Abandoned(ILogger logger, int pid, string flags, int load, int max)
        => Abandoned(logger, pid, flags, (load / 1000.0).ToString("F2", System.Globalization.CultureInfo.InvariantCulture),
            (max / 1000.0).ToString("F2", System.Globalization.CultureInfo.InvariantCulture));
}
