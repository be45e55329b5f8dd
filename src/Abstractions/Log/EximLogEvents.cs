namespace Exim.Abstractions.Log;

/// <summary>
/// How log events reach Exim's three log files. Every event at Information or above goes to the main log;
/// <see cref="Microsoft.Extensions.Logging.LogLevel.Critical"/> events also go to the panic log; events whose
/// id falls in a reject range (the last three digits 900–999, e.g. 3901) also go to the reject log.
/// Debug and Trace go to stderr only, and only with <c>-d</c>.
/// </summary>
public static class EximLogEvents
{
    /// <summary>Whether an event id belongs to the reject log as well as the main log.</summary>
    /// <param name="eventId">The event id.</param>
    public static bool IsReject(int eventId) => eventId > 0 && eventId % 1000 >= 900;

    /// <summary>
    /// The name of a log event property whose text goes to the reject log only, on the lines after the event's own
    /// line: Exim's dump of the envelope and headers after a rejection that happened after DATA. A
    /// <c>[LoggerMessage]</c> method declares it as a parameter of this name that its message does not use.
    /// </summary>
    public const string RejectLogDetail = "RejectLogDetail";
}
