using System.Net.Security;

namespace Exim.Mail.Smtp.Transport;

/// <summary>
/// A session's transport once TLS is up (STARTTLS or a TLS-on-connect port): reads and writes go through the
/// <see cref="SslStream"/> over the plain transport, which it owns from then on.
/// </summary>
internal sealed class TlsTransport(SslStream ssl, ISmtpTransport inner) : ISmtpTransport
{
    public SslStream Stream => ssl;

    public ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken) => ssl.ReadAsync(buffer, cancellationToken);

    public ValueTask SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) => ssl.WriteAsync(data, cancellationToken);

    /// <summary>Encrypted bytes waiting count as input waiting (all the synchronization checks need to know).</summary>
    public bool DataAvailable => inner.DataAvailable;

    public void Shutdown() => inner.Shutdown();

    public void Dispose()
    {
        ssl.Dispose();
        inner.Dispose();
    }
}
