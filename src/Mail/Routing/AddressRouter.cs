using System.Collections.Frozen;
using System.Collections.Immutable;
using Exim.Abstractions.Config;
using Exim.Abstractions.Routing;
using Exim.Mail.Matching;
using Exim.Mail.Routing.Drivers;
using Microsoft.Extensions.Logging;

namespace Exim.Mail.Routing;

/// <summary>
/// Routes an address through the configured routers in order (Exim's route_address): each router's generic
/// preconditions (verify selection, <c>domains</c>, <c>local_parts</c>, a loop check on the address's ancestors), then the
/// <see cref="IRouter"/> its driver created. When every router declines, the address fails with the last router's message,
/// else the <c>cannot_route_message</c> of the last router reached, else "Unrouteable address". A router that reroutes
/// (the DNS renamed the domain, a widen_domains suffix was needed, or <c>self = reroute:</c>) makes a child address at the
/// new domain, which is routed again from the first router, as Exim routes its new child addresses.
/// A router that redirects (<see cref="RouterVerdict.Redirect"/>) replaces the address by its children: child addresses are
/// routed from the first router with the parent chain as their ancestors, skipping each router that already redirected an
/// ancestor with the same address (Exim's loop prevention, so <c>postmaster: postmaster, joe</c> works); files and pipes go
/// to the transport the item names; no children at all (<c>:blackhole:</c>) discards the address (<see cref="ExpandAsync"/>).
/// Verification routes the same way with Exim's router selection (<see cref="VerifyMode"/>): <c>verify_only</c> routers
/// run only then, and routers without <c>verify_recipient</c> or <c>verify_sender</c> are skipped for that kind.
/// Each router's options are compiled once (<see cref="CompiledRouter"/>), so one instance serves any number of addresses.
/// </summary>
internal sealed class AddressRouter(EximConfig config, ImmutableArray<ConfiguredRouter> routers, ILogger? logger = null)
{
    /// <summary>
    /// Exim has no limit of its own for a chain of reroutes (two domains whose self options reroute to each other
    /// loop); we defer the address after this many. IMPROVE.
    /// </summary>
    internal const int MaxReroutes = 20;

    /// <summary>
    /// Exim has no limit on the depth of redirection (its loop check stops only a router meeting its own address again);
    /// an address more than this many redirections below its original recipient is deferred. IMPROVE.
    /// </summary>
    internal const int MaxRedirectDepth = 100;

    /// <summary>Exim's ERRNO_BADTRANSPORT: a file or pipe whose transport is unset or does not exist.</summary>
    internal const int BadTransport = -30;

    private readonly MainOptions _main = config.Main;
    private readonly ImmutableArray<CompiledRouter> _routers = [.. routers.Select(r => CompiledRouter.Compile(r, config, DomainList.NamedLists(config.Main)))];
    private readonly FrozenSet<string> _transports = config.Transports.Select(t => t.Name).ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Routes one address for a delivery or -bt, following reroutes to the child address that is finally routed.</summary>
    /// <param name="address">The address.</param>
    /// <param name="messageId">The message being delivered, for log lines; null when only routing (-bt).</param>
    /// <param name="cancellationToken">Cancels the lookups.</param>
    public Task<RouteResult> RouteAsync(string address, string? messageId, CancellationToken cancellationToken)
        => RouteAsync(address, [], messageId, null, VerifyMode.None, cancellationToken);

    /// <summary>Routes one address, following reroutes to the child address that is finally routed.</summary>
    /// <param name="address">The address.</param>
    /// <param name="messageId">The message being delivered, for log lines; null when only routing (-bt) or verifying.</param>
    /// <param name="verify">Whether this is a verification, and of what: it selects the routers that run.</param>
    /// <param name="cancellationToken">Cancels the lookups.</param>
    public Task<RouteResult> RouteAsync(string address, string? messageId, VerifyMode verify, CancellationToken cancellationToken)
        => RouteAsync(address, [], messageId, null, verify, cancellationToken);

    /// <summary>
    /// Routes one address with its ancestors (nearest first), following reroutes; the result may be
    /// <see cref="RouteOutcome.Redirected"/>, with the children for the caller to route.
    /// </summary>
    private async Task<RouteResult> RouteAsync(string address, ImmutableArray<RoutedAncestor> ancestors, string? messageId, string? sender, VerifyMode verify,
        CancellationToken cancellationToken)
    {
        // The loop check looks at the redirections only: a reroute chain is bounded by MaxReroutes instead.
        var (current, chain) = (address, ancestors);
        for (var hop = 0; ; hop++)
        {
            var result = await RouteOnceAsync(current, chain, ancestors, messageId, sender, verify, cancellationToken).ConfigureAwait(false);
            if (result.Outcome != RouteOutcome.Rerouted) return result with { Address = result.Address ?? current, Ancestors = chain };
            if (hop == MaxReroutes)
            {
                return new RouteResult(RouteOutcome.Deferred, result.Router, Message: $"more than {MaxReroutes} reroutes (a self = reroute: loop?)")
                {
                    Address = current,
                    Ancestors = chain,
                };
            }
            chain = chain.Insert(0, new RoutedAncestor(current, result.Router ?? ""));
            current = $"{RouterResults.RawLocalPart(current)}@{result.NewDomain}";
        }
    }

    /// <summary>
    /// Routes one original recipient to its final results (deliver.c's routing loop): the address itself when no router
    /// redirected it, else every file, pipe and address its redirections lead to, each with its ancestors, and a
    /// <see cref="RouteOutcome.Discarded"/> result for each <c>:blackhole:</c>. Child addresses whose unique address
    /// <paramref name="done"/> holds (delivered on an earlier attempt, as the spool's non-recipients tree records) are left out,
    /// with everything below them. <paramref name="budget"/> bounds the children of the whole message.
    /// </summary>
    public async Task<ImmutableArray<RouteResult>> ExpandAsync(string address, string? messageId, string? sender, RedirectBudget budget, Func<string, bool>? done,
        CancellationToken cancellationToken)
    {
        var leaves = ImmutableArray.CreateBuilder<RouteResult>();
        await WalkAsync(address, [], []).ConfigureAwait(false);
        return leaves.ToImmutable();

        async Task WalkAsync(string current, ImmutableArray<RoutedAncestor> ancestors, ImmutableArray<string> uniques)
        {
            var result = await RouteAsync(current, ancestors, messageId, sender, VerifyMode.None, cancellationToken).ConfigureAwait(false);
            var unique = uniques.IsEmpty ? null : uniques[0];
            if (result.Outcome != RouteOutcome.Redirected)
            {
                leaves.Add(result with { Unique = unique, Homonym = unique?.StartsWith('\\') == true });
                return;
            }
            if (result.Children.IsEmpty)
            {
                leaves.Add(result with { Outcome = RouteOutcome.Discarded, Address = current, Unique = unique });
                return;
            }
            var parent = result.Address ?? current;
            var chain = result.Ancestors.Insert(0, new RoutedAncestor(parent, result.Router ?? ""));
            var parentUnique = unique ?? UniqueOf(parent);
            foreach (var child in result.Children)
            {
                if (!budget.TryTake())
                {
                    leaves.Add(new RouteResult(RouteOutcome.Deferred, result.Router, Message: $"too many addresses generated by redirection (more than {budget.Limit} for one message)")
                    {
                        Address = child.Value, Ancestors = chain, Kind = child.Kind,
                    });
                    continue;
                }
                if (child.Value.Any(char.IsControl))
                {
                    // A child with a line end or another control character would corrupt the -H file's non-recipients
                    // tree, the log and SMTP commands: the parent is deferred rather than any of it written.
                    leaves.Add(new RouteResult(RouteOutcome.Deferred, result.Router, Message: $"{result.Router} router generated an item containing a control character")
                    {
                        Address = parent, Ancestors = result.Ancestors, Unique = unique,
                    });
                    continue;
                }
                if (child.Failure is { } failure)
                {
                    // Refused by the router on its own (deliver.c: "delivery to pipe forbidden"): this child fails, its siblings go on.
                    var failed = child.Kind == RedirectItemKind.Address
                        ? new RouteResult(RouteOutcome.Failed, result.Router, Message: failure) { Address = child.Value, Ancestors = chain, Unique = ChildUnique(child.Value, chain) }
                        : FileOrPipe(child, result.Router ?? "", chain, parentUnique) with { Outcome = RouteOutcome.Failed, Message = failure, Errno = -1 };
                    if (done?.Invoke(failed.Unique!) != true) leaves.Add(failed);
                    continue;
                }
                if (child.Kind != RedirectItemKind.Address)
                {
                    var item = FileOrPipe(child, result.Router ?? "", chain, parentUnique);
                    if (done?.Invoke(item.Unique!) == true) continue; // delivered before (deliver.c checks files and pipes too)
                    leaves.Add(item);
                    continue;
                }
                if (chain.Length > MaxRedirectDepth)
                {
                    leaves.Add(new RouteResult(RouteOutcome.Deferred, result.Router, Message: $"more than {MaxRedirectDepth} levels of redirection (a redirection loop?)")
                    {
                        Address = child.Value, Ancestors = chain,
                    });
                    continue;
                }
                var childUnique = ChildUnique(child.Value, chain);
                if (done?.Invoke(childUnique) == true) continue; // delivered before: Exim's "previously delivered: discarded"
                await WalkAsync(child.Value, chain, uniques.Insert(0, childUnique)).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// A file or pipe item, for the transport it names (deliver.c queues it for that transport). No transport or an unknown
    /// one defers it with Exim's rf_get_transport messages.
    /// </summary>
    private RouteResult FileOrPipe(RedirectItem item, string router, ImmutableArray<RoutedAncestor> chain, string parentUnique)
    {
        // Exim's address for a pipe is the command with its bar (what log lines show and the pipe transport strips).
        var address = item.Kind == RedirectItemKind.Pipe ? "|" + item.Value : item.Value;
        var unique = $"{address}:{parentUnique}";
        var kind = item.Kind == RedirectItemKind.Pipe ? "pipe" : item.Value.EndsWith('/') ? "directory" : "file";
        var message = item.Transport is not { Length: > 0 } transport ? $"{kind}_transport unset in {router} router"
            : !_transports.Contains(transport) ? $"transport \"{transport}\" not found in {router} router"
            : null;
        return new RouteResult(message is null ? RouteOutcome.Accepted : RouteOutcome.Deferred, router, message is null ? item.Transport : null, Message: message)
        {
            Address = address,
            Errno = message is null ? 0 : BadTransport,
            Ancestors = chain,
            Kind = item.Kind,
            Unique = unique,
        };
    }

    /// <summary>
    /// Exim's unique address for a child: the address with its domain in lower case, or <c>\n\address</c> when an ancestor
    /// has the same address (a homonym; n counts the homonyms above it), so siblings and cousins of the same address are
    /// duplicates while a child with its parent's address is not.
    /// </summary>
    private static string ChildUnique(string address, ImmutableArray<RoutedAncestor> ancestors)
    {
        var unique = UniqueOf(address);
        var same = ancestors.Count(a => string.Equals(a.Address, address, StringComparison.OrdinalIgnoreCase));
        return same == 0 ? unique : $"\\{same - 1}\\{unique}";
    }

    /// <summary>The address with its domain lower-cased (domains are caseless; local parts are not).</summary>
    internal static string UniqueOf(string address)
    {
        var at = address.LastIndexOf('@');
        return at < 0 ? address : address[..at] + address[at..].ToLowerInvariant();
    }

    /// <summary>
    /// Routes several addresses in order, each to its final results (<see cref="ExpandAsync"/>). When the router that
    /// accepted an address has <c>same_domain_copy_routing</c> and gave it hosts, the later addresses of the same domain get
    /// a copy of that routing (router, transport and host list) without being routed or resolved again, as Exim copies it to
    /// the other new addresses of the message. As in Exim, nothing checks that the router's preconditions on local parts
    /// would have held for them.
    /// </summary>
    public async Task<ImmutableArray<ImmutableArray<RouteResult>>> RouteEachAsync(IReadOnlyList<string> addresses, CancellationToken cancellationToken)
    {
        var results = ImmutableArray.CreateBuilder<ImmutableArray<RouteResult>>(addresses.Count);
        var copies = new Dictionary<string, RouteResult>(StringComparer.OrdinalIgnoreCase);
        var budget = new RedirectBudget();
        foreach (var address in addresses)
        {
            if (copies.TryGetValue(Domain(address), out var routed))
            {
                results.Add([routed with { Address = address, Ancestors = [], Copied = true }]);
                continue;
            }
            var leaves = await ExpandAsync(address, null, null, budget, null, cancellationToken).ConfigureAwait(false);
            results.Add(leaves);
            if (leaves is [{ Outcome: RouteOutcome.Accepted, HostList.IsEmpty: false, CopyToSameDomain: true, Ancestors.IsEmpty: true } result])
            {
                copies.TryAdd(Domain(result.Address ?? address), result);
            }
        }
        return results.MoveToImmutable();
    }

    /// <summary>As <see cref="RouteEachAsync"/>, every address's results in one list, in order.</summary>
    public async Task<ImmutableArray<RouteResult>> RouteManyAsync(IReadOnlyList<string> addresses, CancellationToken cancellationToken)
        => [.. (await RouteEachAsync(addresses, cancellationToken).ConfigureAwait(false)).SelectMany(r => r)];

    /// <summary>
    /// Routes an address for verification (verify.c's verify_address without full information): a redirection to exactly one
    /// address goes on to verify that address; any other redirection (several children, a file or pipe, :blackhole:) ends
    /// verification with success, returned as <see cref="RouteOutcome.Accepted"/> by the redirecting router.
    /// </summary>
    public async Task<RouteResult> VerifyAsync(string address, VerifyMode verify, CancellationToken cancellationToken)
    {
        var ancestors = ImmutableArray<RoutedAncestor>.Empty;
        var current = address;
        while (true)
        {
            var result = await RouteAsync(current, ancestors, null, null, verify, cancellationToken).ConfigureAwait(false);
            if (result.Outcome != RouteOutcome.Redirected) return result;
            if (result.Children is not [{ Kind: RedirectItemKind.Address } only]) return result with { Outcome = RouteOutcome.Accepted };
            if (ancestors.Length >= MaxRedirectDepth)
            {
                return new RouteResult(RouteOutcome.Deferred, result.Router, Message: $"more than {MaxRedirectDepth} levels of redirection (a redirection loop?)");
            }
            ancestors = ancestors.Insert(0, new RoutedAncestor(result.Address ?? current, result.Router ?? ""));
            current = only.Value;
        }
    }

    /// <summary>The domain routing works on: lowercased, as Exim's addr->domain always is (the address keeps its case).</summary>
    private string Domain(string address)
    {
        var at = address.LastIndexOf('@');
        return at < 0 ? _main.QualifyRecipient : address[(at + 1)..].ToLowerInvariant();
    }

    /// <summary>One pass through the routers; may end in <see cref="RouteOutcome.Rerouted"/> or <see cref="RouteOutcome.Redirected"/>.</summary>
    /// <param name="address">The address.</param>
    /// <param name="ancestors">Its ancestors, nearest first, for the router.</param>
    /// <param name="redirectedFrom">The ancestors made by redirection, for the loop check.</param>
    /// <param name="messageId">The message being delivered, or null.</param>
    /// <param name="sender">Its envelope sender (empty for a bounce), or null when not delivering.</param>
    /// <param name="verify">Whether verifying, and what.</param>
    /// <param name="cancellationToken">Cancels the lookups.</param>
    private async Task<RouteResult> RouteOnceAsync(string address, ImmutableArray<RoutedAncestor> ancestors, ImmutableArray<RoutedAncestor> redirectedFrom,
        string? messageId, string? sender, VerifyMode verify, CancellationToken cancellationToken)
    {
        var domain = Domain(address);
        var localPart = LocalPart.Of(address); // $local_part: what local_parts matches
        string? lastMessage = null;
        foreach (var compiled in _routers)
        {
            var router = compiled.Config;
            if (Skipped(router, verify)) continue;
            // route.c: a router is skipped for an address when it already handled an ancestor with the same address.
            if (redirectedFrom.Any(a => a.Router == router.Name && string.Equals(a.Address, address, StringComparison.OrdinalIgnoreCase))) continue;
            if (compiled.Domains is { } domains && !domains.Matches(domain)) continue;
            if (compiled.LocalParts is { } localParts)
            {
                try
                {
                    if (!localParts.Matches(localPart)) continue;
                }
                catch (System.Text.RegularExpressions.RegexMatchTimeoutException)
                {
                    return new RouteResult(RouteOutcome.Deferred, router.Name, Message: "local_parts check lookup or other defer");
                }
            }
            var request = new RoutingRequest(address, localPart, domain, Purpose(verify, messageId)) { Ancestors = ancestors, MessageId = messageId, Sender = sender };
            var result = await RunAsync(compiled, request, cancellationToken).ConfigureAwait(false);
            // fail_verify: an address this router takes (or passes on) fails verification.
            if (result.Outcome is RouteOutcome.Accepted or RouteOutcome.Pass or RouteOutcome.Redirected
                && (verify == VerifyMode.Recipient && router.FailVerifyRecipient || verify == VerifyMode.Sender && router.FailVerifySender))
            {
                return new RouteResult(RouteOutcome.Failed, router.Name, Message: $"{router.Name} router forced verify failure");
            }
            switch (result.Outcome)
            {
                case RouteOutcome.Accepted:
                    return result with { Router = router.Name, FallbackHosts = router.FallbackHosts };
                case RouteOutcome.Deferred or RouteOutcome.Failed or RouteOutcome.Rerouted or RouteOutcome.Redirected or RouteOutcome.Discarded:
                    return result with { Router = router.Name };
                case RouteOutcome.Declined:
                    lastMessage = result.Message ?? lastMessage;
                    if (!router.More) return new RouteResult(RouteOutcome.Failed, Message: lastMessage ?? CannotRoute(router));
                    break;
            }
        }
        // Exim's addr->router is the last router the loop came to, skipped or not: here, the last one.
        return new RouteResult(RouteOutcome.Failed, Message: lastMessage ?? CannotRoute(config.Routers.LastOrDefault()));
    }

    /// <summary>Why the address is routed, as the contract names it.</summary>
    private static RoutingPurpose Purpose(VerifyMode verify, string? messageId) => verify switch
    {
        VerifyMode.Recipient => RoutingPurpose.VerifyRecipient,
        VerifyMode.Sender => RoutingPurpose.VerifySender,
        _ => messageId is null ? RoutingPurpose.Test : RoutingPurpose.Delivery,
    };

    /// <summary>
    /// Runs one router: a built-in one with its host details, a plugin's through the public contract. A plugin's router
    /// that throws defers the address (and is logged), never takes the delivery down.
    /// </summary>
    private async Task<RouteResult> RunAsync(CompiledRouter compiled, RoutingRequest request, CancellationToken cancellationToken)
    {
        if (compiled.Router is BuiltInRouter builtIn) return await builtIn.RouteDetailedAsync(request, cancellationToken).ConfigureAwait(false);
        try
        {
            var result = await compiled.Router.RouteAsync(request, cancellationToken).ConfigureAwait(false);
            return RouterResults.FromPublic(result, compiled.Config.Transport);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            if (logger is not null) RoutingLog.RouterFailed(logger, compiled.Config.Name, request.Address, e);
            return new RouteResult(RouteOutcome.Deferred, Message: $"{compiled.Config.Name} router failed: {e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>Exim's check_router_conditions, first part: whether this kind of routing runs the router at all.</summary>
    private static bool Skipped(RouterConfig router, VerifyMode verify) => verify switch
    {
        VerifyMode.None => router.VerifyOnly,
        VerifyMode.Recipient => !router.VerifyRecipient,
        _ => !router.VerifySender,
    };

    /// <summary>
    /// No more routers (all tried, or one with <c>more = false</c> declined): the message, from the last router reached.
    /// The result names no router, as Exim clears addr->router then, so the <c>**</c> line has no <c>R=</c>.
    /// </summary>
    private static string CannotRoute(RouterConfig? router) => router?.CannotRouteMessage ?? "Unrouteable address";
}
