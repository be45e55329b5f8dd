using System.Net;
using System.Net.Sockets;
using Exim.Abstractions.Daemon;
using Microsoft.Extensions.Logging;

namespace Exim.Plugins.Daemon;

/// <summary>
/// Accepts on every listener the core lends, applies the limits, and runs each admitted connection as an async
/// session task holding a slot. accept() failures (EMFILE and friends) back off from 10 ms doubling to 1 s instead
/// of spinning (IMPROVE §1.11), and the loop recovers by itself when descriptors free up.
/// </summary>
internal sealed partial class AcceptLoop(ILogger logger) : IDaemonLoop
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ListLookupTimeout = TimeSpan.FromSeconds(10);
    private readonly Lock _admission = new();

    public async Task RunAsync(IDaemonContext context, CancellationToken stoppingToken)
    {
        var limits = new AcceptLimits(context.Config.Main, logger);
        var loops = context.Listeners.Select(l => AcceptFromAsync(l, context, limits, stoppingToken)).ToList();
        await Task.WhenAll(loops).ConfigureAwait(false);
    }

    private async Task AcceptFromAsync(IListener listener, IDaemonContext context, AcceptLimits limits, CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.Zero;
        var failures = 0;
        SocketError lastError = default;
        while (!stoppingToken.IsCancellationRequested)
        {
            Socket? socket;
            try
            {
                socket = await listener.AcceptAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (SocketException e)
            {
                // Exim's batching: one line when the error changes or every 50 failures, not one per failure.
                failures++;
                if (e.SocketErrorCode != lastError || failures % 50 == 0)
                {
                    AcceptFailed(logger, failures, e.Message);
                    lastError = e.SocketErrorCode;
                }
                backoff = backoff == TimeSpan.Zero ? TimeSpan.FromMilliseconds(10) : TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
                try { await Task.Delay(backoff, stoppingToken).ConfigureAwait(false); }
                catch (OperationCanceledException) { break; }
                continue;
            }
            if (socket is null) break;
            if (failures > 0)
            {
                AcceptRecovered(logger, failures, listener.EndPoint.ToString());
                failures = 0;
                lastError = default;
            }
            backoff = TimeSpan.Zero;
            // Taken here, while this loop still holds its generation: the connection keeps it until it ends.
            var hold = context.HoldGeneration();
            if (hold is null)
            {
                _ = ConnectionRefusal.RefuseAsync(socket, $"421 {limits.Hostname} Service not available - closing connection");
                break;
            }
            _ = HandleAsync(socket, context, limits, hold);
        }
    }

    private async Task HandleAsync(Socket socket, IDaemonContext context, AcceptLimits limits, IDisposable hold)
    {
        // Off the accept loop's thread at once (as Kestrel dispatches connections): a slow reverse lookup or accept
        // hook in this session must never hold up the next accept().
        await Task.Yield();
        using var held = hold;
        ISlotHandle? slot = null;
        try
        {
            var main = context.Config.Main;
            socket.NoDelay = main.TcpNodelay;
            if (main.SmtpAcceptKeepalive) socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
            var remote = (IPEndPoint)socket.RemoteEndPoint!;
            var local = (IPEndPoint)socket.LocalEndPoint!;
            var client = remote.Address.IsIPv4MappedToIPv6 ? remote.Address.MapToIPv4() : remote.Address;

            // Host lists that name hosts are matched before the lock, with their own deadline; the lookups are kept
            // for the session, which shares the client's reverse lookup.
            var lookups = limits.NeedsLookups ? context.CreateHostNameLookups() : null;
            ListMatches? lists = null;
            if (limits.NeedsLookups)
            {
                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(context.ShutdownToken);
                deadline.CancelAfter(ListLookupTimeout);
                try
                {
                    lists = await limits.MatchListsAsync(client, lookups, deadline.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    if (context.ShutdownToken.IsCancellationRequested)
                    {
                        socket.Dispose(); // stopping: this connection was never admitted
                        return;
                    }
                    lists = new ListMatches(false, false); // a lookup that does not finish in time counts as a deferral: no match
                }
            }

            AdmissionDecision verdict;
            var fromHost = 0;
            lock (_admission)
            {
                verdict = limits.Check(context.Slots, client, context.Load, lists);
                if (verdict.Admit)
                {
                    slot = context.Slots.Open(client);
                    fromHost = context.Slots.CountFor(client);
                }
            }
            if (!verdict.Admit)
            {
                await ConnectionRefusal.RefuseAsync(socket, verdict.Reply!).ConfigureAwait(false);
                return;
            }

            var connection = new SmtpConnection(socket, slot!.Slot.Id, remote, local, slot.CountAtOpen, verdict.QueueOnly, fromHost) { HostNames = lookups };
            var result = await context.Sessions.RunAsync(connection, context.ShutdownToken).ConfigureAwait(false);
            slot.Complete(result.Outcome, result.Messages);
        }
        catch (Exception e)
        {
            slot?.Complete(SessionOutcome.Error, 0);
            SessionFailed(logger, slot?.Slot.Id ?? "-", e);
            // Never a silent close: the session answers its own failures, so this is the admission's, before any reply.
            await ConnectionRefusal.RefuseAsync(socket, "421 Temporary local problem - please try later").ConfigureAwait(false);
        }
        finally
        {
            slot?.Dispose();
        }
    }

    [LoggerMessage(2110, LogLevel.Warning, "{Count} accept() failure(s): {Error}")]
    private static partial void AcceptFailed(ILogger logger, int count, string error);

    [LoggerMessage(2111, LogLevel.Information, "accept() recovered on {EndPoint} after {Count} failure(s)")]
    private static partial void AcceptRecovered(ILogger logger, int count, string endPoint);

    [LoggerMessage(2112, LogLevel.Critical, "session {Id} failed")]
    private static partial void SessionFailed(ILogger logger, string id, Exception exception);
}
