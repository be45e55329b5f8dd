using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Exim.TestKit;

/// <summary>
/// A raw SMTP client over a real socket, for dialogues swaks cannot express (pipelining, protocol errors,
/// idling). Every read is bounded by a timeout.
/// </summary>
public sealed class SmtpTestClient : IAsyncDisposable
{
    private readonly Socket _socket;
    private SslStream? _tls;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    private SmtpTestClient(Socket socket) => _socket = socket;

    public static async Task<SmtpTestClient> ConnectAsync(int port, string? fromAddress = null, string host = "127.0.0.1", TimeSpan? timeout = null)
    {
        var address = IPAddress.Parse(host);
        // As MTAs do: each send goes out at once, so a test that sends byte by byte really sends one byte per segment.
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (fromAddress is not null) socket.Bind(new IPEndPoint(IPAddress.Parse(fromAddress), 0));
            using var cts = new CancellationTokenSource(timeout ?? TestTimeouts.Default);
            await socket.ConnectAsync(new IPEndPoint(address, port), cts.Token);
            return new SmtpTestClient(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Connects and reads the greeting.</summary>
    public static async Task<(SmtpTestClient Client, string Greeting)> OpenAsync(int port, string? fromAddress = null)
    {
        var client = await ConnectAsync(port, fromAddress);
        return (client, await client.ReadReplyAsync());
    }

    public Task SendRawAsync(string text) => SendBytesAsync(Encoding.Latin1.GetBytes(text));

    public async Task SendBytesAsync(byte[] bytes)
    {
        using var cts = new CancellationTokenSource(TestTimeouts.Default);
        if (_tls is not null) await _tls.WriteAsync(bytes, cts.Token);
        else await _socket.SendAsync(bytes, SocketFlags.None, cts.Token);
    }

    /// <summary>The TLS session once <see cref="StartTlsAsync"/> has succeeded, else null.</summary>
    public SslStream? Tls => _tls;

    /// <summary>
    /// Runs a TLS handshake on the connection (after <c>220 TLS go ahead</c>, or at once on a TLS-on-connect port),
    /// sending <paramref name="serverName"/> as SNI and <paramref name="clientCertificate"/> if asked for one. Any server
    /// certificate is accepted (the tests check which one was served through <see cref="Tls"/>). Throws when the handshake fails.
    /// </summary>
    public async Task StartTlsAsync(string? serverName = null, X509Certificate2? clientCertificate = null, SslProtocols protocols = SslProtocols.None)
    {
        if (_end > _start) throw new InvalidOperationException("bytes left over in clear before the handshake");
        var ssl = new SslStream(new NetworkStream(_socket, ownsSocket: false), leaveInnerStreamOpen: false);
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = serverName ?? "",
            EnabledSslProtocols = protocols,
            RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null, // which one: the tests look
            ClientCertificates = clientCertificate is null ? null : [clientCertificate],
        };
        using var cts = new CancellationTokenSource(TestTimeouts.Default);
        try
        {
            await ssl.AuthenticateAsClientAsync(options, cts.Token);
        }
        catch
        {
            await ssl.DisposeAsync();
            throw;
        }
        _tls = ssl;
    }

    /// <summary>Sends one command and returns its (possibly multi-line) reply.</summary>
    public async Task<string> CommandAsync(string command)
    {
        await SendRawAsync(command + "\r\n");
        return await ReadReplyAsync();
    }

    /// <summary>Reads one complete reply; lines joined with \n. Empty string when the server closed the connection.</summary>
    public async Task<string> ReadReplyAsync(TimeSpan? timeout = null)
    {
        var lines = new List<string>();
        while (true)
        {
            var line = await ReadLineAsync(timeout ?? TestTimeouts.Default);
            if (line is null) return string.Join("\n", lines);
            lines.Add(line);
            if (line.Length < 4 || line[3] != '-') return string.Join("\n", lines);
        }
    }

    /// <summary>True when the server has closed the connection (reads return end of stream).</summary>
    public async Task<bool> IsClosedAsync(TimeSpan timeout) => await ReadLineAsync(timeout) is null;

    /// <summary>Sends a whole message transaction and returns the reply to the final dot.</summary>
    public Task<string> SendMessageAsync(string from, string to, string body) => SendMessageAsync(from, [to], body);

    /// <summary>As above, to several recipients; a refused recipient's reply is returned at once.</summary>
    public async Task<string> SendMessageAsync(string from, IReadOnlyList<string> recipients, string body)
    {
        var mail = await CommandAsync($"MAIL FROM:<{from}>");
        if (!mail.StartsWith("250", StringComparison.Ordinal)) return mail;
        foreach (var to in recipients)
        {
            var rcpt = await CommandAsync($"RCPT TO:<{to}>");
            if (!rcpt.StartsWith("250", StringComparison.Ordinal)) return rcpt;
        }
        var data = await CommandAsync("DATA");
        if (!data.StartsWith("354", StringComparison.Ordinal)) return data;
        return await CommandAsync(body.Replace("\r\n", "\n", StringComparison.Ordinal).Replace("\n", "\r\n", StringComparison.Ordinal) + "\r\n.");
    }

    private async Task<string?> ReadLineAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            var lf = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (lf >= 0)
            {
                var line = Encoding.Latin1.GetString(_buffer, _start, lf - _start).TrimEnd('\r');
                _start = lf + 1;
                return line;
            }
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            int n;
            try
            {
                n = _tls is not null
                    ? await _tls.ReadAsync(_buffer.AsMemory(_end), cts.Token)
                    : await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cts.Token);
            }
            catch (Exception e) when (e is SocketException or IOException)
            {
                return null;
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"no SMTP reply within {timeout.TotalSeconds}s");
            }
            if (n == 0) return null;
            _end += n;
        }
    }

    public ValueTask DisposeAsync()
    {
        _tls?.Dispose();
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
