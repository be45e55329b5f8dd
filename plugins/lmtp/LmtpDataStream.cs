namespace Exim.Plugins.Lmtp;

/// <summary>
/// The message's text on its way to the server, as a write-only stream for <c>IDeliveryMessage.WriteToAsync</c>: each
/// write bounded by the timeout; remembers whether the text ended a line, for the terminating dot.
/// </summary>
internal sealed class LmtpDataStream(LmtpConnection connection, CancellationToken cancellationToken) : Stream
{
    public bool LineStart { get; private set; } = true;

    public long Written { get; private set; }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken token = default)
    {
        if (buffer.IsEmpty) return;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(token, cancellationToken);
        await connection.WriteAsync(buffer, linked.Token).ConfigureAwait(false);
        LineStart = buffer.Span[^1] == (byte)'\n';
        Written += buffer.Length;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken token)
        => WriteAsync(buffer.AsMemory(offset, count), token).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("the LMTP data stream is written asynchronously");
    public override void Flush() { }
    public override Task FlushAsync(CancellationToken token) => Task.CompletedTask;
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
