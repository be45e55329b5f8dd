using System.Net.Sockets;
using Exim.Abstractions.Daemon;
using Microsoft.Extensions.Logging;

namespace Exim.Plugins.Daemon;

/// <summary>
/// Accepts on every listener the core lends and hands each connection to the core's session handler, which takes it
/// through the admission chain (this plugin's limits among its steps) and the session. accept() failures (EMFILE and
/// friends) back off from 10 ms doubling to 1 s instead of spinning (IMPROVE §1.11), and the loop recovers by itself
/// when descriptors free up.
/// </summary>
internal sealed partial class AcceptLoop(ILogger logger) : IDaemonLoop
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(1);

    public async Task RunAsync(IDaemonContext context, CancellationToken stoppingToken)
    {
        var hostname = AcceptLimits.ActiveHostname(context.Main);
        var loops = context.Listeners.Select(l => AcceptFromAsync(l, context, hostname, stoppingToken)).ToList();
        await Task.WhenAll(loops).ConfigureAwait(false);
    }

    private async Task AcceptFromAsync(IListener listener, IDaemonContext context, string hostname, CancellationToken stoppingToken)
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
                _ = ConnectionRefusal.RefuseAsync(socket, $"421 {hostname} Service not available - closing connection");
                break;
            }
            _ = HandleAsync(socket, context, hold);
        }
    }

    private async Task HandleAsync(Socket socket, IDaemonContext context, IDisposable hold)
    {
        // Off the accept loop's thread at once (as Kestrel dispatches connections): a slow lookup or accept hook in
        // this connection's admission must never hold up the next accept().
        await Task.Yield();
        using var held = hold;
        try
        {
            await context.Sessions.RunAsync(socket, context.ShutdownToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // The core answers its own failures; this is a bug, and the socket is closed.
            SessionFailed(logger, e);
            socket.Dispose();
        }
    }

    [LoggerMessage(2110, LogLevel.Warning, "{Count} accept() failure(s): {Error}")]
    private static partial void AcceptFailed(ILogger logger, int count, string error);

    [LoggerMessage(2111, LogLevel.Information, "accept() recovered on {EndPoint} after {Count} failure(s)")]
    private static partial void AcceptRecovered(ILogger logger, int count, string endPoint);

    [LoggerMessage(2112, LogLevel.Critical, "connection handling failed")]
    private static partial void SessionFailed(ILogger logger, Exception exception);
}
