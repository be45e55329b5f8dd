using System.Globalization;
using System.Net;
using Exim.Abstractions.Daemon;
using Exim.Abstractions.Diagnostics;
using Exim.Abstractions.Matching;
using Exim.Abstractions.Plugins;
using Microsoft.Extensions.Logging;

namespace Exim.Plugins.Daemon;

/// <summary>
/// Exim's connection limits (spec §1.6), all evaluated before the session starts (IMPROVE §6 #6: a flood costs no
/// session), in Exim's order: smtp_accept_max, smtp_load_reserve without reserve hosts, smtp_accept_max_per_host,
/// host_reject_connection, smtp_accept_reserve, the load reserve with reserve hosts; then smtp_accept_queue.
/// host_reject_connection and smtp_reserve_hosts may name hosts; such a list is matched by <see cref="MatchListsAsync"/>
/// before the admission lock is taken (its DNS lookups then cost this connection only, never the accept loop), and a
/// list without name items is matched there synchronously with no lookup. Only a match counts: a deferred lookup
/// neither rejects nor reserves, as Exim's checks for OK. As the first step of the core's admission chain it serves the
/// daemon and <c>exim -bh</c> alike: the count check and the slot it admits are one step under a lock on the slot table
/// (which every generation shares), so two connections can never both take the last slot.
/// </summary>
internal sealed partial class AcceptLimits(IMainOptionsView main, IHostListFactory hostLists, ILogger logger) : IAdmissionStep
{
    private static readonly TimeSpan ListLookupTimeout = TimeSpan.FromSeconds(10);

    private readonly IHostList _reserveHosts = hostLists.Compile(main.GetList(MainOptionNames.SmtpReserveHosts));
    private readonly IHostList _rejectHosts = hostLists.Compile(main.GetList(MainOptionNames.HostRejectConnection));
    private readonly string _hostname = ActiveHostname(main);
    private readonly Limits _limits = new(main);

    /// <summary>Whether matching the lists may need name lookups.</summary>
    private bool NeedsLookups => _reserveHosts.HasNameItems || _rejectHosts.HasNameItems;

    /// <summary>host_reject_connection and smtp_reserve_hosts for one client, looking names up where an item needs it.</summary>
    private async ValueTask<ListMatches> MatchListsAsync(IPAddress client, IHostNameLookups? lookups, CancellationToken cancellationToken)
    {
        var reject = await _rejectHosts.MatchAsync(client, null, lookups, cancellationToken).ConfigureAwait(false) == HostListMatch.Match;
        var reserve = await _reserveHosts.MatchAsync(client, null, lookups, cancellationToken).ConfigureAwait(false) == HostListMatch.Match;
        return new ListMatches(reject, reserve);
    }

    public Task<SessionResult> InvokeAsync(AdmissionContext connection, AdmissionDelegate next)
        => NeedsLookups ? AdmitAfterLookupsAsync(connection, next) : Admit(connection, next, null);

    private async Task<SessionResult> AdmitAfterLookupsAsync(AdmissionContext connection, AdmissionDelegate next)
    {
        // Host lists that name hosts are matched before the lock, with their own deadline.
        ListMatches lists;
        using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(connection.ShutdownToken))
        {
            deadline.CancelAfter(ListLookupTimeout);
            try
            {
                lists = await MatchListsAsync(connection.Client, connection.HostNames, deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                if (connection.ShutdownToken.IsCancellationRequested) return new SessionResult(SessionOutcome.Dropped, 0); // stopping: never admitted
                lists = new ListMatches(false, false); // a lookup that does not finish in time counts as a deferral: no match
            }
        }
        return await Admit(connection, next, lists).ConfigureAwait(false);
    }

    /// <summary>
    /// Decides, and opens the slot of an admitted connection; the session is returned, not awaited, so this step keeps no
    /// frame on the stack of a session that may idle for hours (ten thousand idle sessions pay for each).
    /// </summary>
    private Task<SessionResult> Admit(AdmissionContext connection, AdmissionDelegate next, ListMatches? lists)
    {
        var client = connection.Client;
        AdmissionDecision decision;
        var slots = connection.Slots;
        lock (slots)
        {
            decision = Check(slots, client, connection.Load, lists);
            if (decision.Admit) connection.Slot = slots.Open(client);
        }
        if (!decision.Admit) return RefuseAsync(connection, decision.Reply!);
        connection.QueueOnly = decision.QueueOnly;
        return next(connection);
    }

    private static async Task<SessionResult> RefuseAsync(AdmissionContext connection, string reply)
    {
        await connection.RefuseAsync(reply).ConfigureAwait(false);
        return new SessionResult(SessionOutcome.Dropped, 0);
    }

    /// <param name="slots">The slot table (the caller holds its lock, so counts cannot move underneath).</param>
    /// <param name="client">The client address, IPv4-mapped already unmapped.</param>
    /// <param name="load">Load average × 1000, or -1.</param>
    /// <param name="lists">The host lists already matched (see <see cref="MatchListsAsync"/>); null to match them here, without lookups.</param>
    private AdmissionDecision Check(ISlotTable slots, IPAddress client, ISystemLoad load, ListMatches? lists)
    {
        var who = $"[{client}]";
        var count = slots.Count;
        var max = _limits.Max;
        if (max > 0 && count >= max)
        {
            RefusedTooMany(logger, who);
            EximMetrics.ConnectionRefused(RefusalReason.Limit);
            return AdmissionDecision.Refuse("421 Too many concurrent SMTP connections; please try again later.");
        }
        if (_limits.LoadReserve >= 0 && _reserveHosts.IsEmpty && load.LoadAverage is var l1 && l1 > _limits.LoadReserve)
        {
            RefusedLoad(logger, who, Format(l1));
            EximMetrics.ConnectionRefused(RefusalReason.Load);
            return AdmissionDecision.Refuse("421 Too much load; please try again later.");
        }
        if (_limits.MaxPerHost > 0 && max > 0 && slots.CountFor(client) >= _limits.MaxPerHost)
        {
            RefusedPerHost(logger, who);
            EximMetrics.ConnectionRefused(RefusalReason.PerHost);
            return AdmissionDecision.Refuse("421 Too many concurrent SMTP connections from this IP address; please try again later.");
        }
        if (lists?.Reject ?? _rejectHosts.Matches(client))
        {
            RefusedByList(logger, who);
            EximMetrics.ConnectionRefused(RefusalReason.HostReject);
            return AdmissionDecision.Refuse("554 SMTP service not available");
        }
        var reserveHost = lists?.Reserve ?? _reserveHosts.Matches(client);
        if (max > 0 && count + 1 > max - _limits.Reserve && !reserveHost)
        {
            RefusedReserve(logger, who, count, max, _limits.Reserve);
            EximMetrics.ConnectionRefused(RefusalReason.Reserve);
            return AdmissionDecision.Refuse($"421 {_hostname}: Too many concurrent SMTP connections; please try again later");
        }
        if (_limits.LoadReserve >= 0 && !_reserveHosts.IsEmpty && !reserveHost && load.LoadAverage is var l2 && l2 > _limits.LoadReserve)
        {
            RefusedReserveLoad(logger, who, Format(l2));
            EximMetrics.ConnectionRefused(RefusalReason.Load);
            return AdmissionDecision.Refuse($"421 {_hostname}: Too much load; please try again later");
        }
        var queue = _limits.Queue > 0 && count + 1 > _limits.Queue
            ? $"too many connections ({count + 1}, max {_limits.Queue})"
            : null;
        return AdmissionDecision.Accept(queue);
    }

    /// <summary>smtp_active_hostname, or primary_hostname when it is not set: the name in the 421 replies.</summary>
    internal static string ActiveHostname(IMainOptionsView main)
        => main.GetString(MainOptionNames.SmtpActiveHostname) is { Length: > 0 } active ? active : main.PrimaryHostname;

    /// <summary>The limits, read once per generation (the view looks options up by name).</summary>
    private readonly record struct Limits(int Max, int MaxPerHost, int Reserve, int LoadReserve, int Queue)
    {
        public Limits(IMainOptionsView main)
            : this(Int(main, MainOptionNames.SmtpAcceptMax), Int(main, MainOptionNames.SmtpAcceptMaxPerHost), Int(main, MainOptionNames.SmtpAcceptReserve),
                Int(main, MainOptionNames.SmtpLoadReserve), Int(main, MainOptionNames.SmtpAcceptQueue))
        {
        }

        private static int Int(IMainOptionsView main, string name) => checked((int)main.GetInt64(name));
    }

    private static string Format(int load) => (load / 1000.0).ToString("F2", CultureInfo.InvariantCulture);

    [LoggerMessage(2101, LogLevel.Information, "Connection from {Who} refused: too many connections")]
    private static partial void RefusedTooMany(ILogger logger, string who);

    [LoggerMessage(2102, LogLevel.Information, "Connection from {Who} refused: load average = {Load}")]
    private static partial void RefusedLoad(ILogger logger, string who, string load);

    [LoggerMessage(2103, LogLevel.Information, "Connection from {Who} refused: too many connections from that IP address")]
    private static partial void RefusedPerHost(ILogger logger, string who);

    [LoggerMessage(2901, LogLevel.Information, "refused connection from {Who} (host_reject_connection)")]
    private static partial void RefusedByList(ILogger logger, string who);

    [LoggerMessage(2104, LogLevel.Information, "temporarily refused connection from {Who}: not in reserve list: connected={Connected} max={Max} reserve={Reserve}")]
    private static partial void RefusedReserve(ILogger logger, string who, int connected, int max, int reserve);

    [LoggerMessage(2105, LogLevel.Information, "temporarily refused connection from {Who}: not in reserve list and load average = {Load}")]
    private static partial void RefusedReserveLoad(ILogger logger, string who, string load);
}
