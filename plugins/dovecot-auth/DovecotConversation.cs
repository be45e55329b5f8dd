using System.Buffers.Text;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Exim.Abstractions.Auth;
using Exim.Abstractions.Scripting;

namespace Exim.Plugins.DovecotAuth;

/// <summary>
/// One authentication through Dovecot's auth protocol (version 1.2), as Exim's dovecot.c speaks it: connect to the
/// auth-client socket; read Dovecot's handshake up to <c>DONE</c> (its <c>VERSION</c> must be 1; the <c>MECH</c> lines
/// say what it offers, and a <c>SPID</c> before any <c>MECH</c> means the socket is the wrong one); send <c>VERSION</c>,
/// <c>CPID</c> and <c>AUTH 1 &lt;mech&gt; service=smtp [secured] lip= rip= lport= rport= nologin [resp=]</c>; then relay
/// Dovecot's <c>CONT</c> challenges and the client's answers until <c>OK ... user=</c> or <c>FAIL</c>. Every wait is
/// bounded by <c>server_timeout</c>; anything unexpected is a temporary failure (435) with Exim's reason in the log.
/// </summary>
internal sealed class DovecotConversation(string socketPath, string mechanism, TimeSpan timeout, AcceptConnection connection) : ISaslConversation
{
    /// <summary>Dovecot's documented line limit.</summary>
    private const int MaxLine = 8192;
    private const string RequestId = "1";

    private readonly byte[] _buffer = new byte[MaxLine];
    private int _start;
    private int _end;
    private Socket? _socket;
    private bool _connected;

    public async ValueTask<SaslStep> NextAsync(ReadOnlyMemory<byte>? response, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        var ct = cts.Token;
        try
        {
            if (_socket is null)
            {
                if (await HandshakeAsync(ct).ConfigureAwait(false) is { } refused) return refused;
                await SendAsync(AuthCommand(response), ct).ConfigureAwait(false);
            }
            else
            {
                await SendAsync($"CONT\t{RequestId}\t{Convert.ToBase64String((response ?? default).Span)}\n", ct).ConfigureAwait(false);
            }
            return await ReplyAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return SaslStep.Deferred($"authentication socket {socketPath}: no answer within {timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s");
        }
        catch (SocketException e) when (!_connected)
        {
            return SaslStep.Deferred($"failed to connect to socket {socketPath}: {e.Message}");
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            return SaslStep.Deferred($"authentication socket {socketPath}: {e.Message}");
        }
    }

    public ValueTask DisposeAsync()
    {
        _socket?.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Connects and reads Dovecot's handshake; null when the mechanism is on offer, else why not.</summary>
    private async Task<SaslStep?> HandshakeAsync(CancellationToken ct)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _socket = socket;
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), ct).ConfigureAwait(false);
        _connected = true;
        var offered = false;
        var anyMech = false;
        for (var lines = 0; lines < 1000; lines++)
        {
            if (await ReadLineAsync(ct).ConfigureAwait(false) is not { } line) return PrematureEof;
            var args = line.Split('\t');
            switch (args[0])
            {
                case "VERSION":
                    if (args.Length < 3 || args[1] != "1") return SaslStep.Deferred("authentication socket protocol version mismatch");
                    break;
                case "MECH" when args.Length >= 2:
                    anyMech = true;
                    offered |= string.Equals(args[1], mechanism, StringComparison.OrdinalIgnoreCase);
                    break;
                case "SPID" when !anyMech:
                    return SaslStep.Deferred("authentication socket type mismatch (connected to auth-master instead of auth-client)");
                case "DONE":
                    return offered ? null : SaslStep.Deferred($"Dovecot did not advertise mechanism \"{mechanism}\" to us");
            }
        }
        return SaslStep.Deferred("authentication socket protocol error");
    }

    private string AuthCommand(ReadOnlyMemory<byte>? response)
    {
        var sb = new StringBuilder(256);
        sb.Append("VERSION\t1\t2\nCPID\t").Append(Environment.ProcessId.ToString(CultureInfo.InvariantCulture)).Append('\n');
        sb.Append("AUTH\t" + RequestId + "\t").Append(mechanism).Append("\tservice=smtp\t");
        // As Exim: secured under TLS (with a verified client certificate, say so) and on a connection from this host itself.
        if (connection.TlsSession is { } tls)
        {
            sb.Append("secured\t");
            if (tls.PeerVerified) sb.Append("valid-client-cert\t");
        }
        else if (connection.RemoteAddress.Equals(connection.LocalAddress))
        {
            sb.Append("secured\t");
        }
        sb.Append("lip=").Append(connection.LocalAddress).Append("\trip=").Append(connection.RemoteAddress)
          .Append("\tlport=").Append(connection.LocalPort.ToString(CultureInfo.InvariantCulture))
          .Append("\trport=").Append(connection.RemotePort.ToString(CultureInfo.InvariantCulture)).Append("\tnologin");
        if (response is { } initial) sb.Append("\tresp=").Append(Convert.ToBase64String(initial.Span));
        return sb.Append('\n').ToString();
    }

    /// <summary>Dovecot's answer to AUTH or CONT.</summary>
    private async Task<SaslStep> ReplyAsync(CancellationToken ct)
    {
        if (await ReadLineAsync(ct).ConfigureAwait(false) is not { } line) return PrematureEof;
        var args = line.Split('\t');
        if (args.Length < 2 || args[1] != RequestId) return SaslStep.Deferred("authentication socket connection id mismatch");
        switch (args[0])
        {
            case "CONT":
                var data = args.Length > 2 ? args[2] : "";
                var challenge = new byte[Base64.GetMaxDecodedFromUtf8Length(data.Length)];
                if (!Convert.TryFromBase64String(data, challenge, out var written)) return SaslStep.Deferred("authentication socket protocol error: bad base64 in CONT");
                return SaslStep.Ask(challenge.AsMemory(0, written));
            case "OK":
                return User(args) is { } user ? SaslStep.Succeeded(user) : SaslStep.Deferred("authentication socket protocol error, username missing");
            case "FAIL":
                // Ours: Dovecot's "temp" (its passdb could not be asked) is a temporary failure, not wrong credentials.
                return args.Contains("temp") ? SaslStep.Deferred("Dovecot reported a temporary failure", User(args)) : SaslStep.Failed(User(args));
            default:
                return SaslStep.Deferred("authentication socket protocol error");
        }
    }

    /// <summary>The <c>user=</c> parameter, unescaped (Dovecot's tab escaping: <c>\x01</c> followed by 1, t, r or n).</summary>
    private static string? User(string[] args)
    {
        for (var i = 2; i < args.Length; i++)
        {
            if (!args[i].StartsWith("user=", StringComparison.Ordinal)) continue;
            var value = args[i][5..];
            return value.Contains('\x01', StringComparison.Ordinal)
                ? value.Replace("\x01t", "\t", StringComparison.Ordinal).Replace("\x01r", "\r", StringComparison.Ordinal)
                    .Replace("\x01n", "\n", StringComparison.Ordinal).Replace("\x011", "\x01", StringComparison.Ordinal)
                : value;
        }
        return null;
    }

    private static SaslStep PrematureEof => SaslStep.Deferred("authentication socket read error or premature eof");

    private async Task SendAsync(string text, CancellationToken ct)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        await _socket!.SendAsync(bytes, SocketFlags.None, ct).ConfigureAwait(false);
    }

    /// <summary>The next line without its LF, or null at the end of the stream; a line longer than Dovecot's limit is an <see cref="IOException"/>.</summary>
    private async Task<string?> ReadLineAsync(CancellationToken ct)
    {
        while (true)
        {
            var lf = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (lf >= 0)
            {
                var line = Encoding.UTF8.GetString(_buffer, _start, lf - _start);
                _start = lf + 1;
                return line;
            }
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            if (_end == _buffer.Length) throw new IOException("authentication socket protocol line too long");
            var n = await _socket!.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, ct).ConfigureAwait(false);
            if (n == 0) return null;
            _end += n;
        }
    }
}
