using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Exim.Mail.Resolution;

namespace Exim.Mail.Transports.Smtp;

/// <summary>
/// One outbound SMTP connection: connect (optionally from a chosen source address) within connect_timeout, then
/// replies read and commands written, each within its own timeout. A timeout surfaces as <see cref="TimeoutException"/>,
/// a closed connection as a null reply; replies are bounded in lines and length.
/// </summary>
internal sealed class SmtpClientConnection : IAsyncDisposable
{
    private const int MaxReplyLines = 100;
    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[16 * 1024];
    private int _start;
    private int _end;

    private SmtpClientConnection(Socket socket, HostItem host, int port, string key)
    {
        _socket = socket;
        Host = host;
        Port = port;
        Key = key;
    }

    public HostItem Host { get; }
    public int Port { get; }

    /// <summary>What identifies this connection for reuse: address, port and source address.</summary>
    public string Key { get; }

    public bool Pipelining { get; set; }
    public bool SizeOffered { get; set; }

    /// <summary>The first line of the last command sent (<c>initial connection</c> before any), for Exim's "after ..." texts.</summary>
    public string LastCommand { get; private set; } = "initial connection";

    /// <summary>How many transactions have used this connection.</summary>
    public int Transactions { get; set; }

    public static async Task<SmtpClientConnection> ConnectAsync(HostItem host, int port, IPAddress? source, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var address = host.Address ?? throw new ArgumentException("host has no address", nameof(host));
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (source is not null) socket.Bind(new IPEndPoint(source, 0));
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            cts.CancelAfter(timeout);
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, port), cts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException("connect timed out");
            }
            return new SmtpClientConnection(socket, host, port, KeyFor(address, port, source));
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public static string KeyFor(IPAddress address, int port, IPAddress? source) => $"{address}:{port}/{source}";

    public Task SendAsync(string text, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var end = text.IndexOf('\r', StringComparison.Ordinal);
        LastCommand = end < 0 ? text : text[..end];
        return SendAsync(Encoding.Latin1.GetBytes(text), timeout, cancellationToken);
    }

    public async Task SendAsync(ReadOnlyMemory<byte> data, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            while (!data.IsEmpty)
            {
                var sent = await _socket.SendAsync(data, SocketFlags.None, cts.Token).ConfigureAwait(false);
                data = data[sent..];
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException("send timed out");
        }
    }

    /// <summary>Reads one (possibly multi-line) reply; null when the server closed the connection or sent garbage.</summary>
    public async Task<SmtpReply?> ReadReplyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        var lines = ImmutableArray.CreateBuilder<string>();
        try
        {
            for (var i = 0; i < MaxReplyLines; i++)
            {
                var line = await ReadLineAsync(cts.Token).ConfigureAwait(false);
                if (line is null || line.Length < 3 || !int.TryParse(line.AsSpan(0, 3), NumberStyles.None, CultureInfo.InvariantCulture, out var code)) return null;
                lines.Add(line.Length > 4 ? line[4..] : "");
                if (line.Length == 3 || line[3] != '-') return new SmtpReply(code, lines.ToImmutable());
            }
            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException("read timed out");
        }
    }

    private async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (newline >= 0)
            {
                var length = newline - _start;
                if (length > 0 && _buffer[newline - 1] == (byte)'\r') length--;
                var line = Encoding.Latin1.GetString(_buffer, _start, length);
                _start = newline + 1;
                return line;
            }
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            if (_end == _buffer.Length) return null; // a reply line longer than the buffer: not SMTP
            var read = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (read == 0) return null;
            _end += read;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try { _socket.Shutdown(SocketShutdown.Both); }
        catch (SocketException) { }
        catch (ObjectDisposedException) { }
        _socket.Dispose();
        await Task.CompletedTask.ConfigureAwait(false);
    }
}
