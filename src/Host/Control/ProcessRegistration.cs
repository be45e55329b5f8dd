using System.Net.Sockets;
using System.Text.Json;
using Exim.Abstractions.Config;
using Exim.Abstractions.Diagnostics;

namespace Exim.Host.Control;

/// <summary>
/// How <c>exim -q</c> and <c>exim -M</c> tell a running daemon about themselves, where Exim's processes use its notifier
/// socket: they register with what they do, and the daemon lists them in its status (and exiwhat) until they end and
/// the kernel closes the connection. No daemon, or one that refuses, is no error: the command runs the same.
/// The connection also carries the process's deliveries to the daemon's metrics (<see cref="DeliveryReport"/>): every
/// <see cref="ReportInterval"/> while it runs, and what is left when it is disposed.
/// </summary>
internal sealed class ProcessRegistration : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan ReportInterval = TimeSpan.FromSeconds(5);
    private readonly Socket _socket;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, DeliveryFigures> _sent = new(StringComparer.Ordinal);
    private readonly Timer _reports;
    private bool _broken;

    private ProcessRegistration(Socket socket)
    {
        _socket = socket;
        _socket.SendTimeout = (int)Timeout.TotalMilliseconds;
        // What the process delivered before it registered counts too (the first report has it).
        _reports = new Timer(_ => Report(), null, ReportInterval, ReportInterval);
    }

    /// <summary>Registers with the daemon of <paramref name="main"/>; null when there is none to register with.</summary>
    public static async Task<ProcessRegistration?> TryRegisterAsync(MainOptions main, string description)
    {
        if (ControlSocketPath.For(main) is not { } path || !Mail.Native.Posix.IsSocket(path)) return null;
        using var deadline = new CancellationTokenSource(Timeout);
        Socket? socket = null;
        try
        {
            socket = await ControlClient.ConnectAsync(path, deadline.Token).ConfigureAwait(false);
            var reply = await ControlClient.RequestAsync(socket, $"{ControlProtocol.Register} {description.ReplaceLineEndings(" ")}", deadline.Token).ConfigureAwait(false);
            using var json = JsonDocument.Parse(reply);
            if (!json.RootElement.GetProperty("ok").GetBoolean())
            {
                socket.Dispose();
                return null;
            }
            return new ProcessRegistration(socket);
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            socket?.Dispose();
            return null;
        }
    }

    /// <summary>Sends the deliveries made since the last report; a daemon that has gone is no error.</summary>
    public void Report()
    {
        lock (_gate)
        {
            if (_broken || DeliveryReport.Next(EximMetrics.Snapshot().DeliveriesByTransport, _sent) is not { } line) return;
            try
            {
                _socket.Send(line);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                _broken = true;
            }
        }
    }

    public void Dispose()
    {
        _reports.Dispose();
        Report();
        _socket.Dispose();
    }
}
