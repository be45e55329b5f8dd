using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using Exim.Abstractions.Scripting;
using Exim.Mail.Resolution;
using Exim.Mail.Tls;
using Exim.Mail.Transports.Smtp.Tls;

namespace Exim.Mail.Transports.Smtp;

/// <summary>
/// One outbound SMTP connection: connect (optionally from a chosen source address) within connect_timeout, then
/// replies read and commands written, each within its own timeout. A timeout surfaces as <see cref="TimeoutException"/>,
/// a closed connection as a null reply; replies are bounded in lines and length. After STARTTLS the same reads and
/// writes go through an <see cref="SslStream"/> over the socket (<see cref="StartTlsAsync"/>).
/// </summary>
internal sealed class SmtpClientConnection : IAsyncDisposable
{
    private const int MaxReplyLines = 100;
    private readonly Socket _socket;
    private Stream _stream;
    private readonly byte[] _buffer = new byte[16 * 1024];
    private int _start;
    private int _end;

    private SmtpClientConnection(Socket socket, HostItem host, int port, string key)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: false);
        Host = host;
        Port = port;
        Key = key;
    }

    public HostItem Host { get; }
    public int Port { get; }

    /// <summary>
    /// What identifies this connection for reuse: the transport and the host's name (which decided its TLS and
    /// authentication, as Exim's continued connections match both name and address), address, port and source address.
    /// </summary>
    public string Key { get; }

    /// <summary>The TLS session negotiated with STARTTLS, or null while in clear.</summary>
    public TlsSessionInfo? Tls { get; private set; }

    /// <summary>The client authentication that succeeded on this connection (Exim's <c>A=</c>), or null.</summary>
    public string? Authenticator { get; set; }

    /// <summary>The server advertised STARTTLS in its (clear) EHLO reply.</summary>
    public bool TlsOffered { get; set; }

    /// <summary>The AUTH mechanisms of the latest EHLO reply, upper case.</summary>
    public IReadOnlyList<string> AuthMechanisms { get; set; } = [];

    public bool Pipelining { get; set; }
    public bool SizeOffered { get; set; }

    /// <summary>The first line of the last command sent (<c>initial connection</c> before any), for Exim's "after ..." texts.</summary>
    public string LastCommand { get; private set; } = "initial connection";

    /// <summary>How many transactions have used this connection.</summary>
    public int Transactions { get; set; }

    /// <summary>When the connection was last put in the pool, idle (a <see cref="System.Diagnostics.Stopwatch"/> timestamp).</summary>
    public long IdleSince { get; set; }

    /// <summary>
    /// Nothing has come from the server since its last reply: no bytes left unread, and the socket neither readable nor
    /// closed (a 421 or a FIN sent while the connection was idle makes it readable). One poll(2), no round trip.
    /// </summary>
    public bool IsQuiet
    {
        get
        {
            if (_start != _end) return false;
            try
            {
                return !_socket.Poll(0, SelectMode.SelectRead);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return false;
            }
        }
    }

    public static async Task<SmtpClientConnection> ConnectAsync(HostItem host, int port, IPAddress? source, string key, TimeSpan timeout, CancellationToken cancellationToken)
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
            return new SmtpClientConnection(socket, host, port, key);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public static string KeyFor(string transport, HostItem host, int port, IPAddress? source) => $"{transport}|{host.Name}|{host.Address}:{port}/{source}";

    /// <summary>Bytes have arrived that no reply has consumed yet (after a 220 to STARTTLS: a protocol violation, RFC 3207 §5).</summary>
    public bool HasUnreadInput => _start != _end;

    /// <summary>
    /// The TLS handshake after a 220 to STARTTLS, within <paramref name="timeout"/>. Throws
    /// <see cref="System.Security.Authentication.AuthenticationException"/> (or <see cref="IOException"/>) when the
    /// handshake fails; the connection is then unusable.
    /// </summary>
    public async Task StartTlsAsync(SslClientAuthenticationOptions options, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var ssl = new SslStream(_stream, leaveInnerStreamOpen: false);
        _stream = ssl;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            await ssl.AuthenticateAsClientAsync(options, cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new System.Security.Authentication.AuthenticationException("timed out");
        }
        Tls = TlsSessions.Describe(ssl);
    }

    /// <summary>
    /// Records whether the server's certificate was verified (decided by the validation callback during the handshake),
    /// and whether by its TLSA records (<paramref name="dane"/>: <c>CV=dane</c>).
    /// </summary>
    public void SetPeerVerified(bool verified, string? peerSubject, bool dane = false)
    {
        if (Tls is not null) Tls = Tls with { PeerVerified = verified, PeerSubject = peerSubject, Dane = dane };
    }

    public Task SendAsync(string text, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var end = text.IndexOf('\r', StringComparison.Ordinal);
        LastCommand = end < 0 ? text : text[..end];
        return SendAsync(Encoding.Latin1.GetBytes(text), timeout, cancellationToken);
    }

    /// <summary>Sends <paramref name="text"/>, remembering only <paramref name="shown"/> for error texts (AUTH data, as Exim stars it out).</summary>
    public Task SendSecretAsync(string text, string shown, TimeSpan timeout, CancellationToken cancellationToken)
    {
        LastCommand = shown;
        return SendAsync(Encoding.UTF8.GetBytes(text), timeout, cancellationToken);
    }

    public async Task SendAsync(ReadOnlyMemory<byte> data, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            await _stream.WriteAsync(data, cts.Token).ConfigureAwait(false);
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
            var read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            if (read == 0) return null;
            _end += read;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Tls is not null && _stream is SslStream ssl)
        {
            // Exim's tls_close: a close_notify alert, not waited for.
            try { await ssl.ShutdownAsync().WaitAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false); }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or InvalidOperationException or TimeoutException)
            {
                // The peer is gone already.
            }
        }
        try { _socket.Shutdown(SocketShutdown.Both); }
        catch (SocketException) { }
        catch (ObjectDisposedException) { }
        await _stream.DisposeAsync().ConfigureAwait(false);
        _socket.Dispose();
    }
}
