using System.Net.Security;

namespace Exim.Mail.Smtp.Transport;

/// <summary>
/// A session's transport once TLS is up (STARTTLS or a TLS-on-connect port): reads and writes go through the
/// <see cref="SslStream"/> over the plain transport, which it owns from then on.
/// </summary>
internal sealed class TlsTransport(SslStream ssl, ISmtpTransport inner) : ISmtpTransport
{
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(2);

    public SslStream Stream => ssl;

    public ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken) => ssl.ReadAsync(buffer, cancellationToken);

    public ValueTask SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) => ssl.WriteAsync(data, cancellationToken);

    /// <summary>Encrypted bytes waiting count as input waiting (all the synchronization checks need to know).</summary>
    public bool DataAvailable => inner.DataAvailable;

    /// <summary>
    /// Sends TLS's close_notify before the connection closes, as Exim's tls_close does (OpenSSL 3 clients otherwise
    /// report "unexpected eof while reading"); bounded, so a client that does not read cannot hold the session.
    /// </summary>
    public async ValueTask CloseAsync()
    {
        try
        {
            await ssl.ShutdownAsync().WaitAsync(CloseTimeout).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or TimeoutException or InvalidOperationException
            or System.Security.Authentication.AuthenticationException or System.Net.Sockets.SocketException)
        {
            // The client is gone or not reading: the connection closes anyway.
        }
    }

    public void Shutdown() => inner.Shutdown();

    public void Dispose()
    {
        ssl.Dispose();
        inner.Dispose();
    }
}
