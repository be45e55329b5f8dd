namespace Exim.Mail.Routing;

/// <summary>
/// How many addresses redirection may still generate for one message. Exim has no such limit; a message whose
/// redirections generate more defers the rest. IMPROVE.
/// </summary>
internal sealed class RedirectBudget(int limit = RedirectBudget.DefaultLimit)
{
    public const int DefaultLimit = 10_000;
    private int _taken;

    public int Limit => limit;

    /// <summary>Counts one generated child; false once the limit is reached.</summary>
    public bool TryTake() => Interlocked.Increment(ref _taken) <= limit;
}
