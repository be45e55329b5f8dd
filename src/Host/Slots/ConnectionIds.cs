namespace Exim.Host.Slots;

/// <summary>Connection ids in Exim 4.97's <c>Ci=</c> spirit: unique per daemon, short, sortable by start.</summary>
internal static class ConnectionIds
{
    private static readonly string Prefix = Base62.Encode(Environment.ProcessId, 4);

    public static string Next(ref long sequence, TimeProvider time)
        => $"{Base62.Encode(time.GetUtcNow().ToUnixTimeSeconds(), 6)}-{Prefix}{Base62.Encode(Interlocked.Increment(ref sequence), 5)}";
}
