namespace Exim.Mail.Smtp.Transport;

/// <summary>
/// The transport of a context that has no connection: a message submitted locally without SMTP, whose policies
/// (<c>[hooks] not_smtp</c>) see a connection context but have no client to talk to. It reads as closed; sending on it
/// is a bug.
/// </summary>
internal sealed class NoTransport : ISmtpTransport
{
    public static NoTransport Instance { get; } = new();

    private NoTransport()
    {
    }

    public bool DataAvailable => false;

    public ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken) => ValueTask.FromResult(0);

    public ValueTask SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        => throw new InvalidOperationException("a message submitted without SMTP has no connection to send on");

    public void Shutdown()
    {
    }

    public void Dispose()
    {
    }
}
