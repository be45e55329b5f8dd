namespace Exim.Mail.Transports.Smtp;

/// <summary>
/// The DATA phase of an SMTP connection as a write-only stream, so the message writes itself
/// (<see cref="Abstractions.Transports.IDeliveryMessage.WriteToAsync"/>); each send within <paramref name="timeout"/>.
/// Writes are gathered into sends of up to <see cref="BufferSize"/> bytes, and <see cref="CompleteAsync"/> sends the rest with the
/// terminating dot, so a small message goes out in one send (its headers, body lines and end were a send each).
/// Remembers whether the text ended a line, for the terminating dot.
/// </summary>
internal sealed class SmtpDataStream(SmtpClientConnection connection, TimeSpan timeout) : Stream
{
    private const int BufferSize = 16 * 1024;
    private byte[]? _buffer;
    private int _used;

    public bool LineStart { get; private set; } = true;

    /// <summary>The end of DATA: a line end if the text did not end with one, then <c>.</c> CRLF.</summary>
    private ReadOnlySpan<byte> Terminator => LineStart ? ".\r\n"u8 : "\r\n.\r\n"u8;

    /// <summary>Sends what is gathered and the end of DATA.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        _buffer ??= System.Buffers.ArrayPool<byte>.Shared.Rent(BufferSize);
        if (_used + Terminator.Length > _buffer.Length) await SendBufferedAsync(cancellationToken).ConfigureAwait(false);
        Terminator.CopyTo(_buffer.AsSpan(_used));
        _used += Terminator.Length;
        await SendBufferedAsync(cancellationToken).ConfigureAwait(false);
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty) return;
        LineStart = buffer.Span[^1] == (byte)'\n';
        _buffer ??= System.Buffers.ArrayPool<byte>.Shared.Rent(BufferSize);
        if (_used + buffer.Length > _buffer.Length) await SendBufferedAsync(cancellationToken).ConfigureAwait(false);
        if (buffer.Length >= _buffer.Length)
        {
            await connection.SendAsync(buffer, timeout, cancellationToken).ConfigureAwait(false); // a large write goes as it is
            return;
        }
        buffer.CopyTo(_buffer.AsMemory(_used));
        _used += buffer.Length;
    }

    private async Task SendBufferedAsync(CancellationToken cancellationToken)
    {
        if (_used == 0) return;
        await connection.SendAsync(_buffer.AsMemory(0, _used), timeout, cancellationToken).ConfigureAwait(false);
        _used = 0;
    }

    protected override void Dispose(bool disposing)
    {
        if (_buffer is { } buffer) System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        _buffer = null;
        base.Dispose(disposing);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("the SMTP data stream is written asynchronously");
    public override void Flush() { }
    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
