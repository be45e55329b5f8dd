namespace Exim.Abstractions.Scripting;

/// <summary>Lets a script ask the daemon for a queue run.</summary>
public interface IQueueControl
{
    /// <summary>
    /// Asks for a queue run now (as <c>exim -q</c> would do), within <c>queue_run_max</c>. Requests that arrive while
    /// a requested run is starting are merged into it.
    /// </summary>
    /// <param name="reason">Why, for the log line.</param>
    void RequestRun(string reason);
}
