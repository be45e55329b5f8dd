namespace Exim.Host.Control;

/// <summary>A process that registered with the daemon (<c>exim -q</c> from cron, <c>exim -M</c>): its pid and user from SO_PEERCRED, what it said it does, since when.</summary>
internal sealed record RegisteredProcess(int Pid, int Uid, string Description, DateTimeOffset Started);
