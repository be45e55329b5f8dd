namespace Exim.Abstractions.Diagnostics;

/// <summary>Why a connection was refused before its session started: the <c>exim.refusal.reason</c> tag.</summary>
public enum RefusalReason
{
    /// <summary><c>smtp_accept_max</c>: too many connections.</summary>
    Limit,

    /// <summary><c>smtp_accept_max_per_host</c>.</summary>
    PerHost,

    /// <summary><c>smtp_accept_reserve</c>: the remaining slots are kept for <c>smtp_reserve_hosts</c>.</summary>
    Reserve,

    /// <summary><c>smtp_load_reserve</c>: the load average is too high.</summary>
    Load,

    /// <summary><c>host_reject_connection</c>.</summary>
    HostReject,

    /// <summary>The connect stage (the accept hook or a plugin's connect policy) deferred, rejected or dropped it.</summary>
    Hook,
}
