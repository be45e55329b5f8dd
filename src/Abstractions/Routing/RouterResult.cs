using System.Collections.Immutable;

namespace Exim.Abstractions.Routing;

/// <summary>A router's decision for one address, as a value. Build it with the static methods.</summary>
public sealed record RouterResult
{
    private RouterResult(RouterVerdict verdict) => Verdict = verdict;

    /// <summary>What the router decided.</summary>
    public RouterVerdict Verdict { get; }

    /// <summary>For <see cref="RouterVerdict.Accept"/>: the transport's name; null means the router's <c>transport</c> option.</summary>
    public string? Transport { get; private init; }

    /// <summary>For <see cref="RouterVerdict.Accept"/> to a remote transport: the hosts, in order of preference.</summary>
    public ImmutableArray<RoutedHost> Hosts { get; private init; } = [];

    /// <summary>Exim's message: why it declined, deferred or failed (the bounce and log text).</summary>
    public string? Message { get; private init; }

    /// <summary>For <see cref="RouterVerdict.Defer"/>: freeze the message instead of retrying it.</summary>
    public bool Freeze { get; private init; }

    /// <summary>For <see cref="RouterVerdict.Redirect"/>: the new addresses, files and pipes.</summary>
    public ImmutableArray<RedirectItem> Children { get; private init; } = [];

    /// <summary>Routed to <paramref name="transport"/> (null: the router's own), with <paramref name="hosts"/> for a remote transport.</summary>
    public static RouterResult Accept(string? transport = null, ImmutableArray<RoutedHost> hosts = default)
        => new(RouterVerdict.Accept) { Transport = transport, Hosts = hosts.IsDefault ? [] : hosts };

    /// <summary>Not this router's address; <paramref name="message"/> becomes the failure text if no later router takes it.</summary>
    public static RouterResult Decline(string? message = null) => new(RouterVerdict.Decline) { Message = message };

    /// <summary>On to the next router, past <c>more = false</c>.</summary>
    public static RouterResult Pass() => new(RouterVerdict.Pass);

    /// <summary>Try again later; <paramref name="freeze"/> freezes the message.</summary>
    public static RouterResult Defer(string message, bool freeze = false) => new(RouterVerdict.Defer) { Message = message, Freeze = freeze };

    /// <summary>A permanent failure with Exim's message.</summary>
    public static RouterResult Fail(string message) => new(RouterVerdict.Fail) { Message = message };

    /// <summary>Replace the address by <paramref name="children"/> (empty: discard it, as <c>:blackhole:</c>).</summary>
    public static RouterResult Redirect(ImmutableArray<RedirectItem> children) => new(RouterVerdict.Redirect) { Children = children.IsDefault ? [] : children };
}
