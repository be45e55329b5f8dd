namespace Exim.Mail.Transports.Smtp;

/// <summary>
/// The DATA phase of an SMTP connection as a write-only stream, so the message writes itself
/// (<see cref="Abstractions.Transports.IDeliveryMessage.WriteToAsync"/>); each write within <paramref name="timeout"/>.
/// Remembers whether the text ended a line, for the terminating dot.
/// </summary>
internal sealed class SmtpDataStream(SmtpClientConnection connection, TimeSpan timeout) : Stream
{
    public bool LineStart { get; private set; } = true;

    /// <summary>The end of DATA: a line end if the text did not end with one, then <c>.</c> CRLF.</summary>
    public ReadOnlyMemory<byte> Terminator => LineStart ? ".\r\n"u8.ToArray() : "\r\n.\r\n"u8.ToArray();

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty) return;
        await connection.SendAsync(buffer, timeout, cancellationToken).ConfigureAwait(false);
        LineStart = buffer.Span[^1] == (byte)'\n';
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
