namespace Exim.Abstractions.Hints;

/// <summary>The names of the hints databases the core keeps (Exim's names, as <c>exim --dumpdb</c> takes them).</summary>
public static class HintsDatabases
{
    /// <summary>Retry records: <c>T:host:ip:port</c>, <c>R:domain</c>, <c>A:address</c> (Exim's retry database).</summary>
    public const string Retry = "retry";

    /// <summary>Smoothed rates of the <c>RateLimit</c> helper (Exim's ratelimit database).</summary>
    public const string RateLimit = "ratelimit";

    /// <summary>Whether <paramref name="name"/> can name a database: 1 to 64 lower-case ASCII letters, digits or <c>_</c>, starting with a letter.</summary>
    /// <param name="name">The name to check.</param>
    public static bool IsValidName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 64 || name[0] is < 'a' or > 'z') return false;
        foreach (var c in name)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '_')) return false;
        }
        return true;
    }
}
