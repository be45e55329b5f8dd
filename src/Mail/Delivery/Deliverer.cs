using Exim.Mail.Text;
using Exim.Mail.Logging;
using Exim.Abstractions.Diagnostics;
using System.Collections.Immutable;
using Exim.Abstractions.Config;
using Exim.Abstractions.Transports;
using Exim.Abstractions.Matching;
using Exim.Mail.Resolution;
using Exim.Mail.Retry;
using Exim.Abstractions.Routing;
using Exim.Mail.Routing;
using Exim.Mail.Routing.Drivers;
using Exim.Mail.Spool;
using Microsoft.Extensions.Logging;

namespace Exim.Mail.Delivery;

/// <summary>
/// Delivers one spooled message (Exim's deliver_message). Under the message's lock: read the -H file; skip a frozen
/// message unless thawing; route each recipient not yet done (skipping those whose retry time has not come, unless
/// forced); group the routed recipients by transport and host list, local deliveries first; run each transport and log
/// Exim's <c>=&gt;</c>, <c>==</c> and <c>**</c> lines; record delivered and failed recipients in the -H file's
/// non-recipients tree, durably, after each transport run; turn deferrals past their retry rule's cutoff into failures;
/// write the retry database; bounce the failures to the sender (never for a null sender: a failing bounce is frozen);
/// and when every recipient is done remove the spool files and log <c>Completed</c>. A bounce made here is delivered
/// straight after, as Exim's child process would.
/// </summary>
internal sealed class Deliverer(
    EximConfig config,
    AddressRouter router,
    IReadOnlyDictionary<string, ConfiguredTransport> transports,
    DeliveryServices services,
    RetryDatabase retryDatabase,
    RetryRules retryRules,
    FileSpool spool,
    string version,
    TimeProvider time,
    ILogger logger,
    Random random)
{
    private readonly LogSelection _log = LogSelection.Of(config.Main);

    public async Task<DeliveryResult> DeliverAsync(MessageRef message, DeliveryOptions options, CancellationToken cancellationToken)
    {
        string? bounceId;
        DeliveryResult result;
        var id = message.Id;
        var attempt = MessageLock.TryAcquire(config.Main.SpoolDirectory, message.Queue, id, config.Main.SplitSpoolDirectory, out var held);
        if (attempt == LockAttempt.Locked) DeliveryLog.Locked(logger, id);
        if (held is null) return new(attempt == LockAttempt.Locked ? MessageOutcome.Locked : MessageOutcome.NotFound);
        using (held)
        {
            var input = held.InputDirectory;
            if (SpoolHeaderFile.Load(Path.Combine(input, id + "-H")) is not { } header) return new(MessageOutcome.NotFound);
            if (options.FirstDeliveryOnly && !header.FirstTime) return new(MessageOutcome.NotFirstDelivery); // tried since it was listed
            var thawed = header.Frozen;
            if (thawed)
            {
                if (!options.Thaw) return new(MessageOutcome.Frozen);
                DeliveryLog.Unfrozen(logger, id);
                header = header with { FrozenAt = null };
            }
            var state = new MessageState(header, new MessageContent(header, held.Data, held.BodyOffset), retryDatabase, input, message.Queue) { HeaderChanged = thawed };
            (result, bounceId) = await DeliverLockedAsync(state, options, cancellationToken).ConfigureAwait(false);
        }
        // The bounce goes out now, in this process, as Exim's child process would deliver it (not held for a second
        // stage it is not part of); bounces go to the default queue.
        if (bounceId is not null)
        {
            await DeliverAsync(new MessageRef(bounceId), options with { Thaw = false, HoldRemote = false, FirstDeliveryOnly = false, GiveUp = null }, cancellationToken).ConfigureAwait(false);
        }
        return result;
    }

    private async Task<(DeliveryResult, string?)> DeliverLockedAsync(MessageState state, DeliveryOptions options, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var groups = new Dictionary<string, (string Router, ConfiguredTransport Transport, RouteResult Route, List<RouteResult> Recipients)>(StringComparer.Ordinal);
        if (options.GiveUp is { } user) GiveUp(state, user);
        var budget = new RedirectBudget();
        foreach (var address in state.Header.Pending)
        {
            if (!options.Force && Waiting(state, address, now) is { } key)
            {
                // Held back before routing, as Exim's routing stage holds it: "routing defer (-52): retry time not reached".
                Settle(state, new RecipientResult(address, RecipientStatus.Deferred, "retry time not reached", Errno.RoutingRetry, RetryKey: key), null, null, now);
                continue;
            }
            var routed = await router.ExpandAsync(address, state.Header.Id, state.Header.Sender, budget, state.Header.NonRecipients.Contains, cancellationToken).ConfigureAwait(false);
            state.Routed.Add(address, routed);
            if (routed.IsEmpty) MarkDone(state, address); // every child was delivered on an earlier attempt
            foreach (var route in routed) Queue(state, route, groups, options.Force, now);
        }

        // Local deliveries first, as Exim does. Remote ones wait when only local deliveries are wanted (-ql) or held for
        // the second stage of -qq, and stay pending without an attempt, a log line or a retry record.
        string? heldFor = null;
        foreach (var (groupKey, group) in groups.OrderBy(g => g.Value.Transport.IsRemote ? 1 : 0))
        {
            if ((options.LocalOnly || options.HoldRemote) && group.Transport.IsRemote)
            {
                heldFor ??= groupKey;
                DeliveryLog.RemoteHeld(logger, state.Header.Id, group.Recipients.Count, group.Transport.Name);
                continue;
            }
            // The built-in smtp takes the whole group (it batches by max_rcpt on one connection); any other transport gets
            // runs of at most its RunSize recipients (batch_max for a local one).
            var runSize = group.Transport is { IsRemote: true, Transport: IDeliveryTransport } ? group.Recipients.Count : group.Transport.RunSize;
            foreach (var batch in Batches(group.Recipients, runSize))
            {
                // Outcomes come back by address, so a run never holds one address twice (two routes to one address with
                // different unique addresses go in different runs), and each settles against its own route.
                var routes = batch.ToDictionary(r => r.Address!, StringComparer.Ordinal);
                var started = time.GetTimestamp();
                var result = await RunTransportAsync(state, group.Transport, group.Route, batch, options, cancellationToken).ConfigureAwait(false);
                var took = time.GetElapsedTime(started);
                foreach (var failure in result.HostFailures) HostFailed(state, failure, now);
                foreach (var key in result.HostSuccesses) state.RetryChanges[key] = null;
                foreach (var r in result.Recipients)
                {
                    var route = routes.GetValueOrDefault(r.Address);
                    Settle(state, r, route?.Router ?? group.Router, group.Transport, now, took, route);
                }
                Persist(state);
            }
        }

        // Nothing to delete where the database was seen to have no record.
        foreach (var (key, _) in state.RetryChanges.Where(c => c.Value is null && state.RetryRead.TryGetValue(c.Key, out var read) && read is null).ToList())
        {
            state.RetryChanges.Remove(key);
        }
        try
        {
            await retryDatabase.UpdateAsync(state.RetryChanges, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            DeliveryLog.RetryWriteFailed(logger, state.Header.Id, e); // a plugin's store that breaks its contract: hints only
        }

        // Once an attempt has covered every address, the message is no longer a first delivery (what -qi selects).
        if (heldFor is null && state.Header.FirstTime)
        {
            state.Header = state.Header.Tried();
            state.HeaderChanged = true;
        }
        var bounceId = await BounceAsync(state, now, cancellationToken).ConfigureAwait(false);
        if (state.FreezeReason is { } reason)
        {
            state.Header = state.Header with { FrozenAt = now };
            state.HeaderChanged = true;
            Note(state, null, "*** Frozen" + reason);
            DeliveryLog.Frozen(logger, state.Header.Id, reason);
        }
        if (state.Header.Pending.IsEmpty)
        {
            RemoveFiles(state);
            DeliveryLog.Completed(logger, state.Header.Id);
            if (config.Main.MessageLogs) CompleteMessageLog(state);
            return (new(MessageOutcome.Completed), bounceId);
        }
        Persist(state);
        return (new(state.Header.Frozen ? MessageOutcome.Frozen : MessageOutcome.Deferred, heldFor), bounceId);
    }

    /// <summary>
    /// One routing result of a recipient: a child address whose retry time has not come waits, unless forced, as the
    /// original recipients do; a discard is logged and done; a failure or deferral is settled; an accepted address
    /// joins the group of its transport and hosts, unless it duplicates one already queued (deliver.c's do_duplicate_check:
    /// delivered once, and done with that one) or is a homonym child already delivered by that transport.
    /// </summary>
    private void Queue(MessageState state, RouteResult route, Dictionary<string, (string Router, ConfiguredTransport Transport, RouteResult Route, List<RouteResult> Recipients)> groups,
        bool force, DateTimeOffset now)
    {
        var target = route.Address ?? state.Routed.RecipientOf(route); // every routing result names its address
        if (!force && route is { Kind: RedirectItemKind.Address, Ancestors.IsEmpty: false } && Waiting(state, target, now) is { } key)
        {
            // A child address waits for its own retry time as any address does (deliver.c routes children in the same loop).
            Settle(state, new RecipientResult(target, RecipientStatus.Deferred, "retry time not reached", Errno.RoutingRetry, RetryKey: key), null, null, now, route: route);
            return;
        }
        switch (route.Outcome)
        {
            case RouteOutcome.Discarded:
                DeliveryLog.Discarded(logger, state.Header.Id, target, route.Router ?? "");
                Done(state, route, null);
                return;
            case not RouteOutcome.Accepted:
                var status = route.Outcome == RouteOutcome.Deferred ? RecipientStatus.Deferred : RecipientStatus.Failed;
                var message = route.Message ?? (status == RecipientStatus.Failed ? "Unrouteable address" : "routing deferred");
                var domain = target[(target.LastIndexOf('@') + 1)..];
                // A file or pipe has no domain to hold back: it is simply tried again on the next attempt.
                var retryKey = route.Kind == RedirectItemKind.Address ? RetryKeys.Routing(domain) : null;
                // A file or pipe its router refused names the transport it had (deliver.c: "** |cmd <a@b> R=r T=t: ...").
                var refusedBy = status == RecipientStatus.Failed && route.Transport is { } named ? transports.GetValueOrDefault(named) : null;
                Settle(state, new RecipientResult(target, status, message, route.Errno, RetryKey: retryKey, ErrorName: "routing", Freeze: route.Freeze),
                    route.Router, refusedBy, now, route: route);
                return;
        }
        if (state.Routed.IsDuplicate(route)) return;
        if (route.Homonym && state.Header.NonRecipients.Contains(HomonymKey(route, route.Transport)))
        {
            Done(state, route, null); // delivered by that transport on an earlier attempt
            return;
        }
        if (route.Kind == RedirectItemKind.Address)
        {
            var routingKey = RetryKeys.Routing(target[(target.LastIndexOf('@') + 1)..]);
            if (state.Record(routingKey) is not null) state.RetryChanges[routingKey] = null;
        }
        if (route.Transport is null || !transports.TryGetValue(route.Transport, out var transport))
        {
            Settle(state, new RecipientResult(target, RecipientStatus.Deferred, $"no transport set by {route.Router} router", -1), route.Router, null, now, route: route);
            return;
        }
        // A file or pipe is delivered on its own (the same command for two parents is two deliveries).
        var groupKey = transport.Name + "|" + string.Join(",", route.HostList.Select(h => $"{h.Name}/{h.Address}/{h.Port}"))
            + "|" + string.Join(",", route.FallbackHosts) + (route.LocalHostRemoved ? "|-local" : "")
            + (route.Kind == RedirectItemKind.Address ? "" : "|" + route.Unique);
        if (!groups.TryGetValue(groupKey, out var group)) groups[groupKey] = group = (route.Router ?? "", transport, route, []);
        group.Recipients.Add(route);
    }

    /// <summary>What the non-recipients tree records for a delivered homonym child (deliver.c's address_done): <c>address/transport</c>.</summary>
    private static string HomonymKey(RouteResult route, string? transport)
    {
        var unique = route.Unique ?? "";
        return $"{unique[(unique.IndexOf('\\', 1) + 1)..]}/{transport}";
    }

    /// <summary>
    /// A routing result is done (delivered, failed, discarded): a child is recorded in the non-recipients tree by its unique
    /// address (a homonym as <c>address/transport</c>, when it had one), so a later attempt does not deliver it again; the
    /// original recipient is recorded once all its results are done; and so are the duplicates of this one.
    /// </summary>
    private void Done(MessageState state, RouteResult route, ConfiguredTransport? transport)
    {
        if (route.Unique is { } unique)
        {
            if (!route.Homonym) MarkDone(state, unique);
            else if (transport is not null) MarkDone(state, HomonymKey(route, transport.Name));
        }
        if (state.Routed.Complete(route)) MarkDone(state, state.Routed.RecipientOf(route));
        foreach (var duplicate in state.Routed.DuplicatesOf(route)) Done(state, duplicate, transport);
    }

    /// <summary>
    /// How a log line names the address (deliver.c's string_log_address): a file or pipe, or a local delivery's local part,
    /// followed by <c>&lt;original recipient&gt;</c>; any other address in full, followed by the original recipient when it
    /// differs; a file or pipe whose parent is not the original recipient names the parent too, in parentheses.
    /// </summary>
    private static string LogAddress(MessageState state, RouteResult? route, string address, bool localSuccess)
    {
        if (route is null) return localSuccess ? $"{LocalPart.Of(address)} <{address}>" : address;
        var top = state.Routed.RecipientOf(route);
        var pfr = route.Kind != RedirectItemKind.Address;
        if (pfr || localSuccess)
        {
            var parent = pfr && route.Ancestors.Length > 1 ? $" ({route.Ancestors[0].Address})" : "";
            return $"{(pfr ? address : LocalPart.Of(address))}{parent} <{top}>";
        }
        var same = string.Equals(address, top, StringComparison.OrdinalIgnoreCase)
            && string.Equals(RouterResults.RawLocalPart(address), RouterResults.RawLocalPart(top), StringComparison.Ordinal);
        return same ? address : $"{address} <{top}>";
    }

    /// <summary>The retry key holding this address back (its own or its domain's routing record), or null when it may be tried.</summary>
    private static string? Waiting(MessageState state, string address, DateTimeOffset now)
    {
        foreach (var key in (ReadOnlySpan<string>)[RetryKeys.Address(address), RetryKeys.Routing(address[(address.LastIndexOf('@') + 1)..])])
        {
            if (state.Record(key) is { Expired: false } r && r.NextTry > now) return key;
        }
        return null;
    }

    /// <summary>Runs of at most <paramref name="size"/> routes, none holding one address twice.</summary>
    private static IEnumerable<ImmutableArray<RouteResult>> Batches(List<RouteResult> routes, int size)
    {
        var batch = ImmutableArray.CreateBuilder<RouteResult>();
        var addresses = new HashSet<string>(StringComparer.Ordinal);
        var later = new List<RouteResult>();
        foreach (var route in routes)
        {
            if (!addresses.Add(route.Address!))
            {
                later.Add(route);
                continue;
            }
            batch.Add(route);
            if (batch.Count < size) continue;
            yield return batch.ToImmutable();
            batch.Clear();
            addresses.Clear();
        }
        if (batch.Count > 0) yield return batch.ToImmutable();
        if (later.Count > 0)
        {
            foreach (var rest in Batches(later, size)) yield return rest;
        }
    }

    private async Task<TransportRunResult> RunTransportAsync(MessageState state, ConfiguredTransport transport, RouteResult route,
        ImmutableArray<RouteResult> routes, DeliveryOptions options, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var recipients = routes.Select(r => r.Address!).ToImmutableArray();
        // Envelope-to: names the original recipients that led to these deliveries (transport.c walks up to the top parent).
        var originals = routes.Select(r => r.Ancestors.IsEmpty ? r.Address! : r.Ancestors[^1].Address).Distinct(StringComparer.Ordinal).ToImmutableArray();
        var message = new SpoolDeliveryMessage(state.Content, originals, time, transport.Add, transport.Remove);
        try
        {
            if (transport.Transport is IDeliveryTransport builtIn)
            {
                var job = new DeliveryJob(message, builtIn.Config, recipients, route.HostList, route.HostList.Any(h => h.Mx >= 0),
                    key => options.Force || state.Record(key) is not { } record || record.NextTry <= now || record.Expired)
                {
                    RouterFallbackHosts = route.FallbackHosts,
                    LocalHostRemoved = route.LocalHostRemoved,
                    Services = services,
                };
                return await builtIn.DeliverAsync(job, cancellationToken).ConfigureAwait(false);
            }
            return await RunDriverAsync(transport, route, message, routes, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            DeliveryLog.TransportCrashed(logger, state.Header.Id, transport.Name, e);
            return TransportRunResult.Of(recipients.Select(r => new RecipientResult(r, RecipientStatus.Deferred, $"{e.GetType().Name}: {e.Message}", -1)));
        }
    }

    /// <summary>
    /// A transport of a plugin's driver, through the public contract: one outcome per recipient, a recipient without one
    /// deferred; the second and later recipients one run delivered are Exim's <c>-&gt;</c> lines.
    /// </summary>
    private static async Task<TransportRunResult> RunDriverAsync(ConfiguredTransport transport, RouteResult route, SpoolDeliveryMessage message,
        ImmutableArray<RouteResult> routes, CancellationToken cancellationToken)
    {
        var recipients = routes.Select(r => r.Address!).ToImmutableArray();
        var given = routes.Select(r => Recipient(r.Address!, r)).ToImmutableArray();
        var hosts = transport.IsRemote ? route.HostList.Select(TransportOutcomes.RoutedHostOf).ToImmutableArray() : [];
        var result = await transport.Transport.DeliverAsync(new TransportRequest(message, given, hosts), cancellationToken).ConfigureAwait(false);
        var outcomes = new Dictionary<string, RecipientOutcome>(StringComparer.Ordinal);
        foreach (var outcome in result?.Recipients ?? []) if (outcome is not null) outcomes.TryAdd(outcome.Address, outcome);
        var results = new List<RecipientResult>(recipients.Length);
        var delivered = 0;
        foreach (var address in recipients)
        {
            if (!outcomes.TryGetValue(address, out var outcome))
            {
                results.Add(new RecipientResult(address, RecipientStatus.Deferred, "transport gave no result", -1, RetryKey: RetryKeys.Address(address)));
                continue;
            }
            results.Add(TransportOutcomes.FromOutcome(outcome, additional: outcome.Kind == RecipientOutcomeKind.Delivered && delivered++ > 0));
        }
        return TransportRunResult.Of(results);
    }

    /// <summary>
    /// A recipient as a plugin's transport sees it. A file or pipe (alone in its run) takes <c>$local_part</c> and
    /// <c>$domain</c> from its parent, as deliver.c sets them, and names the original recipient it came from.
    /// </summary>
    private static DeliveryRecipient Recipient(string address, RouteResult route)
    {
        var pfr = route.Kind != RedirectItemKind.Address && !route.Ancestors.IsEmpty;
        var named = pfr ? route.Ancestors[0].Address : address;
        return new DeliveryRecipient(address, LocalPart.Of(named), named[(named.LastIndexOf('@') + 1)..].ToLowerInvariant(),
            route.Ancestors.IsEmpty ? null : route.Ancestors[^1].Address, route.Router ?? "") { Kind = route.Kind };
    }

    /// <summary>
    /// A host that failed: its retry record, and Exim's line for it (smtp.c's write_logs): <c>H=host [ip] Connection refused</c>
    /// when the errno says it all, else <c>H=host [ip]: message</c> with <c>: strerror</c> after it for a system errno.
    /// </summary>
    private void HostFailed(MessageState state, HostFailure failure, DateTimeOffset now)
    {
        if (failure.WriteLog)
        {
            var detail = failure.Message is { } message
                ? ": " + message + (failure.Errno > 0 ? ": " + Errno.Describe(failure.Errno) : "")
                : " " + Errno.Describe(failure.Errno);
            var address = failure.Host.Address?.ToString() ?? "";
            DeliveryLog.HostFailed(logger, state.Header.Id, failure.Host.Name, address, detail);
            Note(state, time.GetLocalNow().DateTime, $"H={failure.Host.Name} [{address}]{detail}"); // smtp.c's write_logs
        }
        UpdateRetry(state, failure.RetryKey, failure.Host.Name + "@", failure.ErrorName, failure.Host, failure.Errno, failure.Text, now);
    }

    /// <summary>Exim's string_timediff without +millisec: whole seconds in Exim's time form (<c>0s</c>, <c>1m5s</c>).</summary>
    private static string Seconds(TimeSpan span) => EximTimeText.Format(TimeSpan.FromSeconds(Math.Max(0, Math.Floor(span.TotalSeconds))));

    /// <summary>
    /// Records one recipient's result: a deferral updates its retry record and becomes a failure once past the rule's
    /// cutoff (or when no rule applies); delivered and failed recipients are done; each result is logged in Exim's shape
    /// (deliver.c's delivery_log, deferral_log and failure_log).
    /// </summary>
    private void Settle(MessageState state, RecipientResult r, string? routerName, ConfiguredTransport? transport, DateTimeOffset now, TimeSpan deliveryTime = default,
        RouteResult? route = null)
    {
        if (r.Status == RecipientStatus.Deferred && r.RetryKey is { } key)
        {
            // A wait for a retry time leaves the record as it is; any other deferral updates it.
            var waited = r.Errno is Errno.RoutingRetry or Errno.HostRetry;
            var record = waited ? state.Record(key) : UpdateRetry(state, key, r.Address, r.ErrorName, r.Host, r.Errno, r.Text, now, hostKeyAlreadyUpdated: key.StartsWith("T:", StringComparison.Ordinal));
            if (record is { Expired: true })
            {
                var message = waited
                    ? $"all hosts for '{r.Address[(r.Address.LastIndexOf('@') + 1)..]}' have been failing for a long time (and retry time not reached)"
                    : "retry timeout exceeded";
                r = r with { Status = RecipientStatus.Failed, Message = message };
            }
        }
        if (r.Freeze && r.Status == RecipientStatus.Deferred) state.FreezeReason ??= "";

        var id = state.Header.Id;
        // Deferred before any router took the address: Exim names the stage instead ("routing defer (-52): ...").
        var stage = routerName is null && transport is null && r.Status == RecipientStatus.Deferred ? " routing" : "";
        var routeText = (state.Queue is null ? "" : $" Q={state.Queue}") + stage + (routerName is null ? "" : $" R={routerName}") + (transport is null ? "" : $" T={transport.Name}");
        var hostText = r.Host is { } h ? $" H={h.Name} [{h.Address}]" : "";
        // deliver.c's d_tlslog: X= and CV= (default log_selector) on => and ** lines, then A= on => lines.
        var tlsText = r.Tls is { } tls
            ? (_log.Has(LogSelection.TlsCipher) ? $" X={tls}" : "") + (_log.Has(LogSelection.TlsCertificateVerified) ? $" CV={tls.CertificateVerified}" : "")
            : "";
        // log_selector: +sender_on_delivery puts F=<sender> first on => and ** lines, +queue_time QT= last on => lines
        // (whole seconds, as string_timediff without +millisec).
        var senderText = _log.Has(LogSelection.SenderOnDelivery) ? $" F=<{state.Header.Sender}>" : "";
        var errnoText = r.Errno > 0 ? ": " + Errno.Describe(r.Errno) : "";
        var messageText = r.Message is { } m ? ": " + m : "";
        EximMetrics.Delivery(transport?.Name ?? "", r.Status switch
        {
            RecipientStatus.Delivered => DeliveryOutcome.Delivered,
            RecipientStatus.Deferred => DeliveryOutcome.Deferred,
            _ => DeliveryOutcome.Failed,
        });
        switch (r.Status)
        {
            case RecipientStatus.Delivered:
                var shown = LogAddress(state, route, r.Address, transport is not { IsRemote: true });
                var confirmation = r.Confirmation is { } c && _log.Has(LogSelection.SmtpConfirmation) ? $" C=\"{c}\"" : "";
                var auth = r.Authenticator is { } a ? " A=" + a : "";
                // deliver.c's delivery_log: +delivery_size S= right after T= (the message as the transport writes it, LF line
                // ends), +queue_time QT= and +deliver_time DT= (the transport run's time) last, whole seconds without +millisec.
                var sizeText = _log.Has(LogSelection.DeliverySize) ? $" S={state.Content.HeaderBytes().Length + state.Content.BodyLength}" : "";
                var times = (_log.Has(LogSelection.QueueTime) ? " QT=" + Seconds(now - state.Header.Received) : "")
                    + (_log.Has(LogSelection.DeliverTime) ? " DT=" + Seconds(deliveryTime) : "");
                var details = senderText + routeText + sizeText + hostText + tlsText + auth + confirmation + times;
                if (r.Additional) DeliveryLog.DeliveredAlso(logger, id, shown, details);
                else DeliveryLog.Delivered(logger, id, shown, details);
                Note(state, time.GetLocalNow().DateTime, $"{r.Address}: {transport?.Name} transport succeeded");
                Completed(state, route, r.Address, transport);
                if (state.Record(RetryKeys.Address(r.Address)) is not null) state.RetryChanges[RetryKeys.Address(r.Address)] = null;
                break;
            case RecipientStatus.Deferred:
                var deferral = $"{routeText} defer ({r.Errno}){errnoText}{hostText}{messageText}";
                DeliveryLog.Deferred(logger, id, LogAddress(state, route, r.Address, false), deferral);
                // deliver.c: a wait for a retry time is noted in the message log only on the first attempt.
                if (state.Header.FirstTime || r.Errno > Errno.RetryBase) Note(state, time.GetLocalNow().DateTime, r.Address + deferral);
                break;
            case RecipientStatus.Failed:
                var failure = $"{routeText}{hostText}{tlsText}{errnoText}{messageText}";
                DeliveryLog.Failed(logger, id, LogAddress(state, route, r.Address, false), senderText + failure);
                // deliver.c: "routing failed for" when no router took the address.
                Note(state, time.GetLocalNow().DateTime, (routerName is null && transport is null ? "routing failed for " : "") + r.Address + failure);
                if (state.Header.Sender.Length == 0)
                {
                    state.FreezeReason = " (delivery error message)"; // a bounce that cannot be delivered is frozen, never bounced
                    break;
                }
                state.Failed.Add(new FailedRecipient(r.Address, r.Text, r.Host)
                {
                    Parent = route is { Ancestors: [var parent, ..] } ? parent.Address : null,
                    Original = route is { Ancestors.IsEmpty: false } ? state.Routed.RecipientOf(route) : null,
                    Kind = route?.Kind ?? RedirectItemKind.Address,
                });
                var before = state.Header.NonRecipients;
                Completed(state, route, r.Address, transport);
                state.FailedKeys.UnionWith(state.Header.NonRecipients.Except(before));
                break;
        }
    }

    /// <summary>A recipient's delivery or failure: its routing result is done, or (held back before routing, or given up) the recipient itself.</summary>
    private void Completed(MessageState state, RouteResult? route, string address, ConfiguredTransport? transport)
    {
        if (route is null) MarkDone(state, address);
        else Done(state, route, transport);
    }

    private RetryRecord? UpdateRetry(MessageState state, string key, string address, string errorName, HostItem? host, int errno, string message,
        DateTimeOffset now, bool hostKeyAlreadyUpdated = false)
    {
        if (hostKeyAlreadyUpdated && state.RetryChanges.TryGetValue(key, out var already)) return already;
        var previous = state.Record(key);
        // A host's failures date from the first one seen; an address's from the message's arrival (its age counts).
        var firstFailed = previous?.FirstFailed ?? (key.StartsWith("T:", StringComparison.Ordinal) ? now : state.Header.Received);
        var rule = retryRules.Find(address, errorName, host?.Name, host?.Address?.ToString());
        var (next, expired) = rule is null ? (now, true) : rule.Next(previous, firstFailed, now, random);
        var record = new RetryRecord(key, firstFailed, now, next, expired, errno, message);
        state.RetryChanges[key] = record;
        return record;
    }

    private static void MarkDone(MessageState state, string address)
    {
        state.Header = state.Header with { NonRecipients = state.Header.NonRecipients.Add(address) };
        state.HeaderChanged = true;
    }

    /// <summary>Writes the -H file when something changed, so a delivered recipient is never delivered again.</summary>
    private void Persist(MessageState state)
    {
        if (!state.HeaderChanged || state.Header.Pending.IsEmpty) return;
        SpoolHeaderFile.Rewrite(state.Input, state.Header);
        state.HeaderChanged = false;
    }

    private async Task<string?> BounceAsync(MessageState state, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (state.Failed.Count == 0 || state.Header.Sender.Length == 0) return null;
        try
        {
            var message = BounceBuilder.Build(config.Main.PrimaryHostname, state.Content, state.Failed, now);
            var (id, input, size) = await LocalSubmission.SubmitAsync(spool, message, "", [state.Header.Sender], config.Main.PrimaryHostname, version,
                time.GetLocalNow(), cancellationToken).ConfigureAwait(false);
            DeliveryLog.BounceCreated(logger, id, state.Header.Id, Environment.UserName, size);
            Note(input, id, time.GetLocalNow().DateTime, $"Received from <> R={state.Header.Id} U={Environment.UserName} P=local S={size}");
            return id;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or MimeKit.ParseException)
        {
            // Keep the failed recipients undone, so a later attempt fails them again and bounces then.
            DeliveryLog.BounceFailed(logger, state.Header.Id, e);
            // A redirected failure's original is taken out too (a sibling delivered later may have completed it), so the next
            // attempt expands it again, skips the children already delivered, and fails this one again.
            var undone = state.Failed.Select(f => f.Address).Concat(state.FailedKeys).Concat(state.Failed.Select(f => f.Original).OfType<string>());
            state.Header = state.Header with { NonRecipients = state.Header.NonRecipients.Except(undone) };
            state.HeaderChanged = true;
            return null;
        }
    }

    /// <summary>
    /// Exim's <c>-Mg</c> (deliver.c, give_up): <c>cancelled by &lt;user&gt;</c>, then every recipient not yet done fails with
    /// <c>delivery cancelled by administrator</c>, without a <c>**</c> line, into the bounce; a bounce's own recipients are
    /// simply discarded.
    /// </summary>
    private void GiveUp(MessageState state, string user)
    {
        DeliveryLog.CancelledBy(logger, state.Header.Id, user);
        foreach (var address in state.Header.Pending)
        {
            if (state.Header.Sender.Length > 0) state.Failed.Add(new FailedRecipient(address, "delivery cancelled by administrator", null));
            MarkDone(state, address);
        }
    }

    /// <summary>
    /// Appends to the message's log (deliver.c's deliver_msglog), stamped with <paramref name="now"/> unless null; a
    /// failure to write it goes to the panic log and changes nothing else.
    /// </summary>
    private void Note(MessageState state, DateTime? now, string line) => Note(state.Input, state.Header.Id, now, line);

    private void Note(string input, string id, DateTime? now, string line)
    {
        if (!config.Main.MessageLogs) return;
        if (MessageLog.Append(input, id, now, line) is { } failed) DeliveryLog.MessageLogFailed(logger, id, failed.Message);
    }

    private void CompleteMessageLog(MessageState state)
    {
        try
        {
            MessageLog.Complete(config.Main.SpoolDirectory, state.Input, state.Header.Id, config.Main.PreserveMessageLogs);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            DeliveryLog.MessageLogFailed(logger, state.Header.Id, e.Message);
        }
    }

    /// <summary>
    /// Removes a finished message: the -H file first, so no runner lists it again, then the -D file. Not fsynced, as Exim's
    /// deliver.c does not: the deliveries that finished it are already recorded nowhere else, so a crash that loses the
    /// unlinks can only deliver the message again (what a crash before the unlinks would do anyway), never lose it; a
    /// directory fsync here cost a disk flush per message.
    /// </summary>
    private static void RemoveFiles(MessageState state)
    {
        File.Delete(Path.Combine(state.Input, state.Header.Id + "-H"));
        File.Delete(Path.Combine(state.Input, state.Header.Id + "-D"));
    }
}
