using System.Buffers;
using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Exim.Abstractions.Config;
using Exim.Abstractions.Transports;
using Exim.Mail.Delivery;
using Exim.Mail.Resolution;
using Exim.Mail.Retry;
using Exim.Mail.Routing;
using Exim.Mail.Tls.Dane;
using Exim.Mail.Transports.Smtp.Tls;
using Microsoft.Extensions.Logging;

namespace Exim.Mail.Transports.Smtp;

/// <summary>
/// Exim's smtp transport: the routed hosts in order (shuffled with <c>hosts_randomize</c> when they did not come from
/// MX), at most <c>hosts_max_try</c> of them, skipping hosts whose retry time has not come. Per host: connect from the
/// <c>interface</c> address of the target's family within <c>connect_timeout</c>, EHLO (HELO when EHLO gets 5xx),
/// STARTTLS and AUTH as the transport's options say (<see cref="SmtpConnectionSetup"/>; after a failed TLS session a
/// new connection in clear, when tls_tempfail_tryclear allows), then one transaction per <c>max_rcpt</c> recipients, pipelined when the server offers PIPELINING, each reply within
/// <c>command_timeout</c> and the data within <c>data_timeout</c>. 2xx delivers, 5xx fails, 4xx defers; a connection
/// that fails, times out or answers 4xx before any recipient defers every recipient left and the next host is tried.
/// What every host left deferred is tried once more on the fallback hosts (<c>fallback_hosts</c>).
/// Before connecting to a host in <c>hosts_try_dane</c> or <c>hosts_require_dane</c>, its TLSA records are looked up
/// through the DNS resolver with <paramref name="dnsSettings"/> (<see cref="DanePolicy"/>): a temporary failure defers
/// the host, an unmet hosts_require_dane fails the addresses, and records make DANE-verified TLS mandatory.
/// <para>The built-in <c>smtp</c> driver's transport: the core runs it through the internal <see cref="IDeliveryTransport"/>,
/// which carries what only smtp has (host retry records and H= lines, hosts whose retry time has not come, the router's
/// fallback hosts, errno-based retry rule matching, X=/CV=/A=, the <c>-&gt;</c> lines), with the process's connection pool.</para>
/// </summary>
internal sealed class SmtpTransport(TransportConfig config, string primaryHostname, IReadOnlySet<IPAddress> localAddresses, DeliveryServices services,
    Random random, DnsLookupSettings dnsSettings, ILogger logger, TimeProvider time) : ITransport, IDeliveryTransport
{
    public bool IsRemote => true;

    /// <summary>max_rcpt: the most recipients per transaction (one run may hold several transactions on one connection).</summary>
    public int MaxRecipients => config.MaxRcpt;

    /// <summary>The transport's options.</summary>
    public TransportConfig Config => config;

    /// <summary>
    /// The public contract: the hosts the router chose, every retry time taken as due, the transport's own host lookups and
    /// no connection pool; host retry results are not reported (the core's own runs get them through <see cref="DeliverAsync(DeliveryJob, CancellationToken)"/>).
    /// </summary>
    public async ValueTask<TransportResult> DeliverAsync(TransportRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var job = new DeliveryJob(SpoolDeliveryMessage.Of(request.Message), config, [.. request.Recipients.Select(r => r.Address)],
            [.. request.Hosts.Select(TransportOutcomes.HostItemOf)], request.Hosts.Any(h => h.Mx >= 0), _ => true);
        var result = await DeliverAsync(job, cancellationToken).ConfigureAwait(false);
        return TransportOutcomes.ToPublic(result);
    }

    public async Task<TransportRunResult> DeliverAsync(DeliveryJob job, CancellationToken cancellationToken)
    {
        var s = job.Services ?? services;
        var t = job.Transport;
        var (hosts, fromMx) = (job.Hosts, job.HostsFromMx);
        if ((hosts.IsEmpty || t.HostsOverride) && !t.Hosts.IsEmpty)
        {
            hosts = await TransportHosts.ResolveAsync(s.HostResolver, t, t.Hosts, cancellationToken).ConfigureAwait(false);
            fromMx = false;
        }
        if (hosts.IsEmpty)
        {
            return TransportRunResult.Of(job.Recipients.Select(r => new RecipientResult(r, RecipientStatus.Deferred, $"no hosts for the {t.Name} transport", -1)));
        }
        var run = new HostRun(job.Recipients);
        await TryHostsAsync(job, s, hosts, fromMx, run, cancellationToken).ConfigureAwait(false);

        // fallback_hosts: what every normal host left deferred (a 5xx is final) is tried once more on the fallback hosts,
        // as deliver.c's second pass does; the last pass decides what a recipient still deferred is told.
        if (run.Pending.Count > 0 && FallbackHosts(job) is { IsEmpty: false } fallback)
        {
            var fallbackHosts = await TransportHosts.ResolveAsync(s.HostResolver, t, fallback, cancellationToken).ConfigureAwait(false);
            run.StartPass();
            await TryHostsAsync(job, s, fallbackHosts, fromMx: false, run, cancellationToken).ConfigureAwait(false);
        }
        return run.Finish();
    }

    /// <summary>
    /// The router's fallback_hosts, else the transport's; the transport's are not used when this host was one of the
    /// domain's MX hosts and was cut from the list (smtp_transport_setup): the hosts left are then this host's betters.
    /// </summary>
    private static ImmutableArray<string> FallbackHosts(DeliveryJob job)
        => !job.RouterFallbackHosts.IsEmpty ? job.RouterFallbackHosts : job.LocalHostRemoved ? [] : job.Transport.FallbackHosts;

    /// <summary>One pass over a host list: each usable host in order until every recipient is decided or hosts_max_try is reached.</summary>
    private async Task TryHostsAsync(DeliveryJob job, DeliveryServices s, ImmutableArray<HostItem> list, bool fromMx, HostRun run, CancellationToken cancellationToken)
    {
        var t = job.Transport;
        var port = PortNumber(t.Port);
        var hosts = list.ToList();
        if (t.HostsRandomize && !fromMx) hosts = [.. hosts.OrderBy(_ => random.Next())];
        var tried = 0;
        foreach (var host in hosts)
        {
            if (run.Pending.Count == 0 || tried >= t.HostsMaxTry) break;
            if (host.Address is not { } address)
            {
                // smtp.c: ERRNO_UNKNOWNHOST, no host used, and a retry record of the routing kind for the name, so the
                // address times out if the name never resolves.
                run.Last ??= new RecipientResult("", RecipientStatus.Deferred, $"failed to lookup IP address for {host.Name}", Errno.UnknownHost,
                    RetryKey: RetryKeys.Routing(host.Name));
                continue;
            }
            if (!TryPickSource(t, address, out var source, out var sourceError))
            {
                run.Last = new RecipientResult("", RecipientStatus.Deferred, sourceError, -1, host, Freeze: true);
                continue;
            }
            var key = RetryKeys.Host(host.Name, address, host.Port ?? port, source);
            if (!job.RetryDue(key))
            {
                run.WaitingKey ??= key;
                continue;
            }
            if (!t.AllowLocalhost && (address.Equals(IPAddress.Any) || localAddresses.Contains(address)))
            {
                run.Last = new RecipientResult("", RecipientStatus.Deferred, $"{t.Name} transport found host {host.Name} to be local", Errno.HostIsLocal, Freeze: true);
                continue;
            }
            tried++;
            var attempt = await TryHostAsync(job, s, host, host.Port ?? port, source, key, run.Pending, cancellationToken).ConfigureAwait(false);
            if (attempt.Failure is { } failure)
            {
                run.Failures.Add(failure);
                run.Last = new RecipientResult("", RecipientStatus.Deferred, failure.Message, failure.Errno, failure.Connected ? host : null,
                    RetryKey: key, ErrorName: failure.ErrorName);
            }
            else if (attempt.Connected)
            {
                run.Successes.Add(key);
            }
            // A recipient deferred by a host's reply keeps that reply, unless a later host decides it.
            foreach (var r in attempt.Results)
            {
                if (r.Status == RecipientStatus.Deferred)
                {
                    run.Own[r.Address] = r;
                    continue;
                }
                run.Results.Add(r);
                run.Pending.Remove(r.Address);
            }
        }
    }

    /// <summary>An address no host was tried for or failed on: every host was waiting for its retry time (Exim's texts, ERRNO_HRETRY).</summary>
    private static RecipientResult NoHostTried(string address, string? waitingKey)
    {
        var domain = $" for '{address[(address.LastIndexOf('@') + 1)..]}'";
        var text = waitingKey is null ? $"all host address lookups{domain} failed" : $"retry time not reached for any host{domain}";
        return new RecipientResult(address, RecipientStatus.Deferred, text, Errno.HostRetry, RetryKey: waitingKey);
    }

    private async Task<HostAttempt> TryHostAsync(DeliveryJob job, DeliveryServices s, HostItem host, int port, IPAddress? source, string key,
        List<string> recipients, CancellationToken cancellationToken)
    {
        var t = job.Transport;
        SmtpClientConnection? connection = null;
        SmtpTransaction? transaction = null;
        var results = new List<RecipientResult>(); // decided by earlier batches: kept whatever happens later
        try
        {
            // DANE before the TCP connection, as smtp_setup_conn does it, and before a kept connection is reused: the same
            // host name may have been reached before without DANE (by a router whose lookups were not DNSSEC-secure).
            var dane = await DecideDaneAsync(s, t, host, port, cancellationToken).ConfigureAwait(false);
            switch (dane.Mode)
            {
                case DaneMode.Defer:
                    return new HostAttempt([], new HostFailure(host, key, Errno.DnsDefer, dane.Message, "*", Connected: false));
                case DaneMode.Fail:
                    return new HostAttempt([.. recipients.Select(r => new RecipientResult(r, RecipientStatus.Failed, dane.Message, Errno.DnsDefer))], null, Connected: false);
            }
            var poolKey = SmtpClientConnection.KeyFor(t.Name, host, port, source);
            connection = await ReusableAsync(s.Pool, poolKey, t, dane, cancellationToken).ConfigureAwait(false);
            var setup = new SmtpConnectionSetup(primaryHostname, logger, time, job, key, dane);
            for (var clear = false; connection is null; clear = true)
            {
                connection = await SmtpClientConnection.ConnectAsync(host, port, source, poolKey, t.ConnectTimeout, cancellationToken).ConfigureAwait(false);
                var failure = await setup.RunAsync(connection, suppressTls: clear, cancellationToken).ConfigureAwait(false);
                if (failure is null) break;
                var failed = connection;
                connection = null;
                // After a failed TLS session the connection is in an unknown state: closed without QUIT (smtp.c).
                if (failure.Errno == Errno.TlsFailure) await failed.DisposeAsync().ConfigureAwait(false);
                else await SmtpConnectionPool.QuitAsync(failed).ConfigureAwait(false);
                if (clear || !setup.TryClearAfter(failure, host)) return new HostAttempt([], failure with { Host = host });
                TransportLog.DeliveringUnencrypted(logger, job.Message.Id, failure.Text, host.Name, host.Address!.ToString());
            }
            foreach (var batch in recipients.Chunk(t.MaxRcpt))
            {
                transaction = new SmtpTransaction(connection, job, host, batch);
                var outcome = await transaction.RunAsync(cancellationToken).ConfigureAwait(false);
                results.AddRange(outcome.Results);
                if (outcome.HostError is { } error)
                {
                    await SmtpConnectionPool.QuitAsync(connection).ConfigureAwait(false);
                    connection = null;
                    return new HostAttempt([.. results], new HostFailure(host, key, error.Errno, error.Message, error.ErrorName));
                }
            }
            var done = connection;
            connection = null; // handed over: closed with QUIT, or kept for the next delivery
            if (s.Pool is null) await SmtpConnectionPool.QuitAsync(done).ConfigureAwait(false);
            else await s.Pool.ReturnAsync(done).ConfigureAwait(false);
            return new HostAttempt([.. results], null);
        }
        catch (SocketException e) when (connection is null)
        {
            // The connection failed: Exim keeps only the errno ("H=host [ip] Connection refused", "defer (111): Connection refused").
            var errno = Errno.Of(e.SocketErrorCode);
            var name = e.SocketErrorCode switch { SocketError.ConnectionRefused => "refused", SocketError.TimedOut => "timeout", _ => "lost_connection" };
            return new HostAttempt([.. results], new HostFailure(host, key, errno, errno == Errno.Unknown ? e.Message : null, name, Connected: false));
        }
        catch (TimeoutException)
        {
            if (connection is null) return new HostAttempt([.. results], new HostFailure(host, key, Errno.ConnectionTimedOut, null, "timeout", Connected: false));
            return new HostAttempt([.. results], new HostFailure(host, key, Errno.ConnectionTimedOut, $"SMTP timeout after {Stage(connection, transaction)}", "timeout"));
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            // A reset counts as the connection closed, as Exim's check_response has it.
            return new HostAttempt([.. results], new HostFailure(host, key, Errno.SmtpClosed, $"Remote host closed connection in response to {Stage(connection, transaction)}", "lost_connection"));
        }
        finally
        {
            // Whatever ended the attempt (a timeout, a reset, an exception nobody expected), a connection that was
            // neither closed with QUIT nor returned to the pool is closed here, never left open.
            if (connection is not null) await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The host's DANE decision (hosts_try_dane, hosts_require_dane) from its TLSA records.</summary>
    private Task<DaneDecision> DecideDaneAsync(DeliveryServices s, TransportConfig t, HostItem host, int port, CancellationToken cancellationToken)
    {
        var tls = TransportTls.For(t);
        return DanePolicy.DecideAsync(s.HostResolver.Dns, host, port, tls.TryDane(host), tls.RequireDane(host), dnsSettings, cancellationToken);
    }

    /// <summary>What was last sent, for Exim's "after ..." texts: the transaction's stage, else the last greeting command.</summary>
    private static string Stage(SmtpClientConnection? connection, SmtpTransaction? transaction)
        => transaction?.Stage ?? connection?.LastCommand ?? "initial connection";

    /// <summary>
    /// How long a pooled clear-text connection may have been idle and still be reused without an RSET to see that it answers.
    /// Exim hands a connection straight on to the next message for the host without RSET after a successful transaction
    /// (smtp.c: send_rset is false "if a message has just been successfully transferred"); the pool only returns connections
    /// whose transaction ended cleanly (a failed one was reset), so within this time a poll that finds nothing from the
    /// server is check enough, and a queue run saves a round trip per message. Longer idle, or TLS (whose stream may hold
    /// read-ahead a poll cannot see), is probed with RSET as before.
    /// </summary>
    private static readonly TimeSpan UnprobedIdle = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A pooled connection that still answers (quiet since its last transaction, else RSET gets 250) and whose TLS is what
    /// <paramref name="dane"/> asks for (DANE-verified for Verify, encrypted for EncryptOnly), or null; one that falls short is
    /// closed with QUIT.
    /// </summary>
    private static async Task<SmtpClientConnection?> ReusableAsync(SmtpConnectionPool? pool, string key, TransportConfig t, DaneDecision dane, CancellationToken cancellationToken)
    {
        if (pool?.Take(key) is not { } reused) return null;
        var fits = dane.Mode switch
        {
            DaneMode.Verify => reused.Tls is { Dane: true },
            DaneMode.EncryptOnly => reused.Tls is not null,
            _ => true,
        };
        if (!fits)
        {
            await SmtpConnectionPool.QuitAsync(reused).ConfigureAwait(false);
            return null;
        }
        if (reused.Tls is null && System.Diagnostics.Stopwatch.GetElapsedTime(reused.IdleSince) < UnprobedIdle && reused.IsQuiet) return reused;
        try
        {
            await reused.SendAsync("RSET\r\n", t.CommandTimeout, cancellationToken).ConfigureAwait(false);
            if (await reused.ReadReplyAsync(t.CommandTimeout, cancellationToken).ConfigureAwait(false) is { IsPositive: true }) return reused;
        }
        catch (Exception e) when (e is SocketException or IOException or TimeoutException)
        {
            // Closed while idle: a fresh connection follows.
        }
        await reused.DisposeAsync().ConfigureAwait(false);
        return null;
    }

    /// <summary>The first <c>interface</c> item of the target's family (spec §3); none of that family binds nothing.</summary>
    private static bool TryPickSource(TransportConfig t, IPAddress target, out IPAddress? source, out string error)
    {
        source = null;
        error = "";
        foreach (var item in t.Interface)
        {
            if (!IPAddress.TryParse(item, out var ip))
            {
                error = $"\"{item}\" is not a valid IP address for the \"interface\" option for {t.Name} transport";
                return false;
            }
            if (ip.AddressFamily != target.AddressFamily) continue;
            source = ip;
            return true;
        }
        return true;
    }

    /// <summary>The <c>port</c> option: a number or a service name (the loader has checked it resolves).</summary>
    public static int PortNumber(string port) => PortNames.TryResolve(port, out var n) ? n : 25;

    /// <param name="Connected">False when no connection was made (DANE failed the addresses first): no host success either.</param>
    private sealed record HostAttempt(ImmutableArray<RecipientResult> Results, HostFailure? Failure, bool Connected = true);

    /// <summary>What one delivery has learnt so far: recipients still undecided, decided ones, host failures and successes.</summary>
    private sealed class HostRun(ImmutableArray<string> recipients)
    {
        public List<string> Pending { get; } = [.. recipients];
        public List<RecipientResult> Results { get; } = [];
        public List<HostFailure> Failures { get; } = [];
        public List<string> Successes { get; } = [];

        /// <summary>A host's own 4xx for one recipient.</summary>
        public Dictionary<string, RecipientResult> Own { get; } = new(StringComparer.Ordinal);

        /// <summary>The last host-level reason, for recipients no host replied to.</summary>
        public RecipientResult? Last { get; set; }

        /// <summary>The first host skipped because its retry time has not come.</summary>
        public string? WaitingKey { get; set; }

        /// <summary>A new pass (the fallback hosts): what the earlier hosts said no longer describes the recipients left.</summary>
        public void StartPass()
        {
            Own.Clear();
            Last = null;
            WaitingKey = null;
        }

        public TransportRunResult Finish()
        {
            foreach (var address in Pending)
            {
                if (Own.TryGetValue(address, out var reply)) Results.Add(reply);
                else if (Last is not null) Results.Add(Last with { Address = address });
                else Results.Add(NoHostTried(address, WaitingKey));
            }
            return new TransportRunResult([.. Results], [.. Failures], [.. Successes]);
        }
    }
}
