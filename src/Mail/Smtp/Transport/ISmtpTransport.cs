namespace Exim.Mail.Smtp.Transport;

/// <summary>
/// The byte stream under one SMTP session: plain TCP today; STARTTLS (issue 11) will put a TLS stream in its place in the
/// middle of a session, so the session reads and writes only through this and never touches the socket itself.
/// </summary>
internal interface ISmtpTransport : IDisposable
{
    /// <summary>
    /// Receives into <paramref name="buffer"/>; 0 means the peer closed. With an empty buffer it only waits until data
    /// is there, so an idle session holds no buffer (Kestrel's zero-byte read).
    /// </summary>
    /// <param name="buffer">Where the bytes go.</param>
    /// <param name="cancellationToken">A deadline or shutdown.</param>
    ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken);

    /// <summary>Sends all of <paramref name="data"/>.</summary>
    /// <param name="data">The bytes.</param>
    /// <param name="cancellationToken">Gives up on a client that does not read.</param>
    ValueTask SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>Whether the peer has sent bytes not yet received (for the synchronization checks).</summary>
    bool DataAvailable { get; }

    /// <summary>Ends the connection in both directions; the transport is disposed afterwards.</summary>
    void Shutdown();
}
