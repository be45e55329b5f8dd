using System.Buffers;
using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Exim.Abstractions.Config;
using Exim.Mail.Delivery;
using Exim.Mail.Resolution;
using Exim.Mail.Retry;

namespace Exim.Mail.Transports.Smtp;

/// <summary>
/// Exim's smtp transport: the routed hosts in order (shuffled with <c>hosts_randomize</c> when they did not come from
/// MX), at most <c>hosts_max_try</c> of them, skipping hosts whose retry time has not come. Per host: connect from the
/// <c>interface</c> address of the target's family within <c>connect_timeout</c>, EHLO (HELO when EHLO gets 5xx),
/// then one transaction per <c>max_rcpt</c> recipients, pipelined when the server offers PIPELINING, each reply within
/// <c>command_timeout</c> and the data within <c>data_timeout</c>. 2xx delivers, 5xx fails, 4xx defers; a connection
/// that fails, times out or answers 4xx before any recipient defers every recipient left and the next host is tried.
/// </summary>
internal sealed class SmtpTransport(string primaryHostname, IReadOnlySet<IPAddress> localAddresses, SmtpConnectionPool? pool, Random random)
    : IDeliveryTransport
{
    public async Task<TransportResult> DeliverAsync(DeliveryJob job, CancellationToken cancellationToken)
    {
        var t = job.Transport;
        var port = PortNumber(t.Port);
        var hosts = job.Hosts.ToList();
        if (t.HostsRandomize && !job.HostsFromMx) hosts = [.. hosts.OrderBy(_ => random.Next())];

        var pending = job.Recipients.ToList();
        var results = new List<RecipientResult>();
        var failures = new List<HostFailure>();
        var successes = new List<string>();
        var own = new Dictionary<string, RecipientResult>(StringComparer.Ordinal); // a host's own 4xx for one recipient
        RecipientResult? last = null;
        string? waitingKey = null;
        var tried = 0;
        foreach (var host in hosts)
        {
            if (pending.Count == 0 || tried >= t.HostsMaxTry) break;
            if (host.Address is not { } address)
            {
                last ??= new RecipientResult("", RecipientStatus.Deferred, $"failed to lookup IP address for {host.Name}", -1, host);
                continue;
            }
            if (!TryPickSource(t, address, out var source, out var sourceError))
            {
                last = new RecipientResult("", RecipientStatus.Deferred, sourceError, -1, host, Freeze: true);
                continue;
            }
            var key = RetryKeys.Host(host.Name, address, host.Port ?? port, source);
            if (!job.RetryDue(key))
            {
                waitingKey ??= key;
                continue;
            }
            if (!t.AllowLocalhost && (address.Equals(IPAddress.Any) || localAddresses.Contains(address)))
            {
                last = new RecipientResult("", RecipientStatus.Deferred, "remote host address is the local host", -1, host, Freeze: true);
                continue;
            }
            tried++;
            var attempt = await TryHostAsync(job, host, host.Port ?? port, source, key, pending, cancellationToken).ConfigureAwait(false);
            if (attempt.Failure is { } failure)
            {
                failures.Add(failure);
                last = new RecipientResult("", RecipientStatus.Deferred, failure.Message, failure.Errno, host, RetryKey: key, ErrorName: failure.ErrorName);
            }
            else
            {
                successes.Add(key);
            }
            // A recipient deferred by a host's reply keeps that reply, unless a later host decides it.
            foreach (var r in attempt.Results)
            {
                if (r.Status == RecipientStatus.Deferred)
                {
                    own[r.Address] = r;
                    continue;
                }
                results.Add(r);
                pending.Remove(r.Address);
            }
        }
        foreach (var address in pending)
        {
            if (own.TryGetValue(address, out var reply)) results.Add(reply);
            else if (last is not null) results.Add(last with { Address = address });
            else if (waitingKey is not null) results.Add(new RecipientResult(address, RecipientStatus.Deferred, "retry time not reached for any host", -53, RetryKey: waitingKey));
            else results.Add(new RecipientResult(address, RecipientStatus.Deferred, "all host address lookups failed", -1));
        }
        return new TransportResult([.. results], [.. failures], [.. successes]);
    }

    private async Task<HostAttempt> TryHostAsync(DeliveryJob job, HostItem host, int port, IPAddress? source, string key,
        List<string> recipients, CancellationToken cancellationToken)
    {
        var t = job.Transport;
        SmtpClientConnection? connection = null;
        SmtpTransaction? transaction = null;
        var results = new List<RecipientResult>(); // decided by earlier batches: kept whatever happens later
        try
        {
            connection = await ReusableAsync(SmtpClientConnection.KeyFor(host.Address!, port, source), t, cancellationToken).ConfigureAwait(false);
            if (connection is null)
            {
                connection = await SmtpClientConnection.ConnectAsync(host, port, source, t.ConnectTimeout, cancellationToken).ConfigureAwait(false);
                var failure = await GreetAsync(connection, t, key, cancellationToken).ConfigureAwait(false);
                if (failure is not null)
                {
                    await SmtpConnectionPool.QuitAsync(connection).ConfigureAwait(false);
                    return new HostAttempt([], failure with { Host = host });
                }
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
            if (pool is null) await SmtpConnectionPool.QuitAsync(connection).ConfigureAwait(false);
            else await pool.ReturnAsync(connection).ConfigureAwait(false);
            return new HostAttempt([.. results], null);
        }
        catch (SocketException e)
        {
            if (connection is not null) await connection.DisposeAsync().ConfigureAwait(false);
            var (errno, name) = e.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => (111, "refused"),
                SocketError.TimedOut => (110, "timeout"),
                _ => ((int)e.SocketErrorCode, "lost_connection"),
            };
            var text = e.SocketErrorCode == SocketError.ConnectionRefused ? "Connection refused" : e.Message;
            return new HostAttempt([.. results], new HostFailure(host, key, errno, text, name));
        }
        catch (TimeoutException)
        {
            if (connection is not null) await connection.DisposeAsync().ConfigureAwait(false);
            var text = connection is null ? "Connection timed out" : $"SMTP timeout after {Stage(connection, transaction)}";
            return new HostAttempt([.. results], new HostFailure(host, key, 110, text, "timeout"));
        }
        catch (IOException e)
        {
            if (connection is not null) await connection.DisposeAsync().ConfigureAwait(false);
            return new HostAttempt([.. results], new HostFailure(host, key, -18, $"Remote host closed connection after {Stage(connection, transaction)}: {e.Message}", "lost_connection"));
        }
    }

    /// <summary>What was last sent, for Exim's "after ..." texts: the transaction's stage, else the last greeting command.</summary>
    private static string Stage(SmtpClientConnection? connection, SmtpTransaction? transaction)
        => transaction?.Stage ?? connection?.LastCommand ?? "initial connection";

    /// <summary>A pooled connection that still answers (RSET gets 250), or null.</summary>
    private async Task<SmtpClientConnection?> ReusableAsync(string key, TransportConfig t, CancellationToken cancellationToken)
    {
        if (pool?.Take(key) is not { } reused) return null;
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

    /// <summary>Banner, then EHLO (HELO after a 5xx to EHLO). Null when the session is ready for MAIL.</summary>
    private async Task<HostFailure?> GreetAsync(SmtpClientConnection c, TransportConfig t, string key, CancellationToken cancellationToken)
    {
        var banner = await c.ReadReplyAsync(t.CommandTimeout, cancellationToken).ConfigureAwait(false);
        if (banner is null) return new HostFailure(c.Host, key, -18, "Remote host closed connection in response to initial connection", "lost_connection");
        if (!banner.IsPositive) return new HostFailure(c.Host, key, -44, $"SMTP error from remote mail server after initial connection: {banner.Text}", banner.IsTemporary ? "connect_4xx" : "connect_5xx");
        await c.SendAsync($"EHLO {primaryHostname}\r\n", t.CommandTimeout, cancellationToken).ConfigureAwait(false);
        var ehlo = await c.ReadReplyAsync(t.CommandTimeout, cancellationToken).ConfigureAwait(false);
        if (ehlo is { Code: >= 500 })
        {
            await c.SendAsync($"HELO {primaryHostname}\r\n", t.CommandTimeout, cancellationToken).ConfigureAwait(false);
            ehlo = await c.ReadReplyAsync(t.CommandTimeout, cancellationToken).ConfigureAwait(false);
            if (ehlo is { IsPositive: true }) return null;
        }
        if (ehlo is null) return new HostFailure(c.Host, key, -18, "Remote host closed connection in response to EHLO", "lost_connection");
        if (!ehlo.IsPositive) return new HostFailure(c.Host, key, -44, $"SMTP error from remote mail server after EHLO {primaryHostname}: {ehlo.Text}", "ehlo_4xx");
        foreach (var line in ehlo.Lines.Skip(1))
        {
            var keyword = line.Split(' ', 2)[0].ToUpperInvariant();
            if (keyword == "PIPELINING") c.Pipelining = true;
            if (keyword == "SIZE") c.SizeOffered = true;
        }
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

    private sealed record HostAttempt(ImmutableArray<RecipientResult> Results, HostFailure? Failure);
}
