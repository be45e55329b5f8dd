namespace Exim.Abstractions.Routing;

/// <summary>What a router decided for one address (Exim's router return codes).</summary>
public enum RouterVerdict
{
    /// <summary>Routed (OK): to <see cref="RouterResult.Transport"/>, with <see cref="RouterResult.Hosts"/> for a remote transport.</summary>
    Accept,

    /// <summary>Not this router's address (DECLINE): the next router is tried, unless <c>more = false</c>.</summary>
    Decline,

    /// <summary>Go on to the next router even past <c>more = false</c> (PASS).</summary>
    Pass,

    /// <summary>Try again later (DEFER).</summary>
    Defer,

    /// <summary>A permanent failure (FAIL): the address bounces with <see cref="RouterResult.Message"/>.</summary>
    Fail,

    /// <summary>
    /// The address is replaced by <see cref="RouterResult.Children"/> (Exim's redirection): child addresses are routed from
    /// the first router with this address as their parent; file and pipe items go to the transport they name. No
    /// children at all (<c>:blackhole:</c>) means the address is done, logged as Exim logs a discard.
    /// </summary>
    Redirect,
}
