namespace Exim.Plugins.Daemon;

/// <summary>The accept decision for one connection: admit it (maybe queue-only), or refuse it with a reply.</summary>
internal readonly record struct Verdict(bool Admit, string? Reply, string? QueueOnly)
{
    public static Verdict Accept(string? queueOnly) => new(true, null, queueOnly);

    public static Verdict Refuse(string reply) => new(false, reply, null);
}
