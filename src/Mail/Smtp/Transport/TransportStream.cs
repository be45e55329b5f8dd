namespace Exim.Mail.Smtp.Transport;

/// <summary>
/// A session's transport as the <see cref="Stream"/> an <see cref="System.Net.Security.SslStream"/> wraps. Async only;
/// a zero-byte read goes through as one, so an idle TLS session waits without a buffer too. It does not own the
/// transport: the <see cref="TlsTransport"/> above it does.
/// </summary>
internal sealed class TransportStream(ISmtpTransport transport) : Stream
{
    public override bool CanRead => true;
    public override bool CanWrite => true;
    public override bool CanSeek => false;

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        => transport.ReceiveAsync(buffer, cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => transport.ReceiveAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        => transport.SendAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => transport.SendAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("the session's transport is asynchronous");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("the session's transport is asynchronous");

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
