using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Exim.TestKit;

/// <summary>
/// A hand-written SMTP server on 127.0.0.1 and a free port, for peers no real server can play: one that answers 4xx or
/// 5xx on demand, or stalls. <see cref="Reply"/> maps each command line to a reply; null means never answer (a stall).
/// After a 354 to DATA it reads the message up to the lone dot and answers that with the reply to ".".
/// Connections and commands are counted so tests can see what the client did.
/// <para>
/// TLS (<see cref="Tls"/>): STARTTLS is advertised in EHLO; a 220 to it starts a server handshake over
/// <see cref="SslStream"/> with the given certificate (or, with <see cref="TlsOptions.Fault"/>, misbehaves there as a
/// broken peer does: bytes that are not TLS, silence, or data sent before the handshake). After the handshake EHLO no longer offers STARTTLS. AUTH
/// (<see cref="TlsOptions.User"/>): AUTH PLAIN and LOGIN are advertised and checked against the one user, 235 or 535.
/// Commands received in clear are also kept in <see cref="ClearCommands"/>.
/// </para>
/// </summary>
public sealed class ScriptedSmtpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private readonly List<string> _commands = [];
    private readonly List<string> _clearCommands = [];
    private int _connections;
    private int _handshakes;

    public ScriptedSmtpServer(Func<string, string?> reply, TlsOptions? tls = null)
    {
        Reply = reply;
        Tls = tls;
        _listener.Start();
        _accepting = AcceptLoopAsync();
    }

    public Func<string, string?> Reply { get; }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public int Connections => Volatile.Read(ref _connections);

    public IReadOnlyList<string> Commands { get { lock (_commands) return [.. _commands]; } }

    /// <summary>The commands that arrived before TLS was on.</summary>
    public IReadOnlyList<string> ClearCommands { get { lock (_commands) return [.. _clearCommands]; } }

    public TlsOptions? Tls { get; }

    /// <summary>TLS handshakes that completed.</summary>
    public int Handshakes => Volatile.Read(ref _handshakes);

    /// <summary>The subject of the last client certificate presented, or null.</summary>
    public string? ClientCertificateSubject { get; private set; }

    /// <summary>What the server offers and checks beyond plain SMTP.</summary>
    /// <param name="Certificate">The server certificate with its key; null with a <paramref name="Fault"/>.</param>
    /// <param name="Fault">How the server breaks the handshake, if it does.</param>
    /// <param name="User">The one user AUTH accepts; null offers no AUTH.</param>
    /// <param name="Password">That user's password.</param>
    /// <param name="AskClientCertificate">Ask the client for a certificate (any is accepted and its subject recorded).</param>
    /// <param name="Mechanisms">The AUTH mechanisms advertised (PLAIN and LOGIN are implemented).</param>
    /// <param name="Protocols">The TLS versions offered (None: the system's choice).</param>
    public sealed record TlsOptions(X509Certificate2? Certificate, HandshakeFault Fault = HandshakeFault.None, string? User = null, string? Password = null,
        bool AskClientCertificate = false, string Mechanisms = "PLAIN LOGIN", SslProtocols Protocols = SslProtocols.None);

    /// <summary>How a broken peer fails the TLS handshake after its 220 to STARTTLS.</summary>
    public enum HandshakeFault
    {
        /// <summary>A real handshake.</summary>
        None,

        /// <summary>Answers the client's hello with bytes that are not TLS, and closes.</summary>
        NotTls,

        /// <summary>Reads the client's hello and never answers.</summary>
        Silent,

        /// <summary>Sends a line right after the 220, before any handshake (a STARTTLS response injection).</summary>
        DataBeforeHandshake,
    }

    /// <summary>The server name the last TLS client asked for (SNI), or null.</summary>
    public string? LastSni { get; private set; }

    /// <summary>The server certificate from PEM files, in a form the TLS library can use as a server.</summary>
    public static X509Certificate2 LoadCertificate(TestCertificate certificate)
    {
        using var pem = X509Certificate2.CreateFromPemFile(certificate.CertificatePath, certificate.KeyPath);
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>The usual replies, with PIPELINING offered; <paramref name="rcpt"/> decides RCPT, <paramref name="mail"/> MAIL.</summary>
    public static Func<string, string?> Answers(string rcpt = "250 Accepted", string? mail = "250 OK", string dot = "250 OK id=fake") => command =>
        command.ToUpperInvariant() switch
        {
            var c when c.StartsWith("EHLO", StringComparison.Ordinal) => "250-fake.test\r\n250-PIPELINING\r\n250 SIZE",
            var c when c.StartsWith("HELO", StringComparison.Ordinal) => "250 fake.test",
            var c when c.StartsWith("MAIL", StringComparison.Ordinal) => mail,
            var c when c.StartsWith("RCPT", StringComparison.Ordinal) => rcpt,
            "DATA" => rcpt.StartsWith('2') ? "354 go ahead" : "503 no valid recipients",
            "." => dot,
            "QUIT" => "221 bye",
            _ => "250 OK",
        };

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try { socket = await _listener.AcceptSocketAsync(_stop.Token); }
            catch (OperationCanceledException) { return; }
            catch (SocketException) { return; }
            Interlocked.Increment(ref _connections);
            _ = ServeAsync(socket);
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        using var _ = socket;
        socket.NoDelay = true; // as a real MTA sets it: otherwise a pipelined client waits out delayed ACKs (40 ms a reply)
        Stream stream = new NetworkStream(socket, ownsSocket: false);
        var reader = new StreamReader(stream, Encoding.Latin1);
        var secure = false;
        string? loginUser = null;
        try
        {
            await WriteAsync(stream, "220 fake.test ESMTP");
            for (var i = 0; i < 10_000; i++)
            {
                var line = await reader.ReadLineAsync(_stop.Token);
                if (line is null) return;
                lock (_commands)
                {
                    _commands.Add(line);
                    if (!secure) _clearCommands.Add(line);
                }
                var upper = line.ToUpperInvariant();
                if (Tls is not null && upper == "STARTTLS" && !secure)
                {
                    await WriteAsync(stream, Tls.Fault == HandshakeFault.DataBeforeHandshake ? "220 2.0.0 Ready to start TLS\r\n250 injected" : "220 2.0.0 Ready to start TLS");
                    if (Tls.Fault != HandshakeFault.None || Tls.Certificate is null)
                    {
                        // Take (whatever has come of) the client's hello, then fail it.
                        using var cts = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                        cts.CancelAfter(TestTimeouts.Default);
                        var hello = await stream.ReadAsync(new byte[4096], cts.Token);
                        if (hello == 0 || Tls.Fault == HandshakeFault.DataBeforeHandshake) return;
                        if (Tls.Fault == HandshakeFault.Silent) await Task.Delay(Timeout.Infinite, _stop.Token);
                        await stream.WriteAsync("this is not TLS\r\n"u8.ToArray(), cts.Token);
                        return;
                    }
                    var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                    using (var cts = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token))
                    {
                        cts.CancelAfter(TestTimeouts.Default);
                        await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                        {
                            ServerCertificate = Tls.Certificate,
                            ClientCertificateRequired = Tls.AskClientCertificate,
                            EnabledSslProtocols = Tls.Protocols,
#pragma warning disable CA5359 // a test peer: it records who the client is, it does not judge
                            RemoteCertificateValidationCallback = RecordClientCertificate,
#pragma warning restore CA5359
                        }, cts.Token);
                    }
                    LastSni = string.IsNullOrEmpty(ssl.TargetHostName) ? null : ssl.TargetHostName;
                    Interlocked.Increment(ref _handshakes);
                    stream = ssl;
                    reader = new StreamReader(stream, Encoding.Latin1); // what was read ahead in clear is dropped (RFC 3207)
                    secure = true;
                    continue;
                }
                var reply = Tls is null ? Reply(line) : TlsReply(line, upper, secure, ref loginUser);
                if (reply is null)
                {
                    await Task.Delay(Timeout.Infinite, _stop.Token); // stall until the client gives up or the test ends
                    return;
                }
                await WriteAsync(stream, reply);
                if (line.Equals("DATA", StringComparison.OrdinalIgnoreCase) && reply.StartsWith("354", StringComparison.Ordinal))
                {
                    for (var j = 0; j < 1_000_000; j++)
                    {
                        var data = await reader.ReadLineAsync(_stop.Token);
                        if (data is null) return;
                        if (data == ".") break;
                    }
                    lock (_commands) _commands.Add(".");
                    var end = Reply(".");
                    if (end is null)
                    {
                        await Task.Delay(Timeout.Infinite, _stop.Token);
                        return;
                    }
                    await WriteAsync(stream, end);
                }
                if (line.Equals("QUIT", StringComparison.OrdinalIgnoreCase)) return;
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException or AuthenticationException)
        {
            // The client went away (or refused our certificate), or the test is over.
        }
        finally
        {
            await stream.DisposeAsync();
        }
    }

    /// <summary>A test peer: any client certificate is taken, only to record who presented it.</summary>
    private bool RecordClientCertificate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is not null) ClientCertificateSubject = certificate.Subject;
        return true;
    }

    /// <summary>EHLO with STARTTLS (until TLS is on) and AUTH; AUTH PLAIN and LOGIN checked against the one user.</summary>
    private string? TlsReply(string line, string upper, bool secure, ref string? loginUser)
    {
        var tls = Tls!;
        if (upper.StartsWith("EHLO", StringComparison.Ordinal))
        {
            var extensions = (secure ? "" : "250-STARTTLS\r\n") + (tls.User is null ? "" : $"250-AUTH {tls.Mechanisms}\r\n");
            return "250-fake.test\r\n" + extensions + "250-PIPELINING\r\n250 SIZE";
        }
        if (tls.User is not null)
        {
            if (upper.StartsWith("AUTH PLAIN ", StringComparison.Ordinal))
            {
                var parts = Decode(line["AUTH PLAIN ".Length..]).Split('\0');
                return parts.Length == 3 && parts[1] == tls.User && parts[2] == tls.Password ? "235 2.7.0 Authentication succeeded" : "535 5.7.8 Authentication credentials invalid";
            }
            if (upper == "AUTH LOGIN")
            {
                loginUser = "";
                return "334 VXNlcm5hbWU6";
            }
            if (loginUser == "")
            {
                loginUser = Decode(line);
                return "334 UGFzc3dvcmQ6";
            }
            if (loginUser is not null)
            {
                var ok = loginUser == tls.User && Decode(line) == tls.Password;
                loginUser = null;
                return ok ? "235 2.7.0 Authentication succeeded" : "535 5.7.8 Authentication credentials invalid";
            }
        }
        return Reply(line);
    }

    private static string Decode(string base64)
    {
        try { return Encoding.UTF8.GetString(Convert.FromBase64String(base64.Trim())); }
        catch (FormatException) { return "\u0001invalid"; }
    }

    private async Task WriteAsync(Stream stream, string reply)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        cts.CancelAfter(TestTimeouts.Default);
        await stream.WriteAsync(Encoding.Latin1.GetBytes(reply + "\r\n"), cts.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try { await _accepting.WaitAsync(TestTimeouts.Default); }
        catch (TimeoutException) { }
        _stop.Dispose();
    }
}
