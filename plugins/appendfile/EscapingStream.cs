namespace Exim.Plugins.Appendfile;

/// <summary>
/// Exim's <c>check_string</c> and <c>escape_string</c> (transport.c's write_chunk): a body line starting with the check
/// string starts with the escape string instead, so <c>From </c> becomes <c>&gt;From </c> in an mbox. The headers are
/// written as they are (Exim escapes them only for batched SMTP): the body starts after the first empty line. Bytes that
/// might start the check string are held back until they match or not; <see cref="CompleteAsync"/> writes what is held.
/// </summary>
internal sealed class EscapingStream(Stream inner, byte[] check, byte[] escape) : Stream
{
    private bool _inBody;
    private int _lineLength;
    private int _matched = -1;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var start = 0;
        for (var i = 0; i < buffer.Length; i++)
        {
            var b = buffer.Span[i];
            if (_matched >= 0)
            {
                if (b == check[_matched])
                {
                    if (++_matched < check.Length) continue;
                    // The whole check string: the escape string goes out instead.
                    _matched = -1;
                    await inner.WriteAsync(escape, cancellationToken).ConfigureAwait(false);
                    start = i + 1;
                    _lineLength = check.Length;
                    continue;
                }
                // Not the check string after all: what was held goes out as it was.
                await inner.WriteAsync(check.AsMemory(0, _matched), cancellationToken).ConfigureAwait(false);
                _lineLength = _matched;
                _matched = -1;
                start = i;
            }
            if (b == '\n')
            {
                if (!_inBody && _lineLength == 0) _inBody = true;
                _lineLength = 0;
                if (_inBody)
                {
                    await inner.WriteAsync(buffer[start..(i + 1)], cancellationToken).ConfigureAwait(false);
                    start = i + 1;
                    _matched = 0;
                }
            }
            else if (b != '\r')
            {
                _lineLength++;
            }
        }
        if (_matched < 0 && start < buffer.Length) await inner.WriteAsync(buffer[start..], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes the bytes held back at the end of the message (a last line that began like the check string).</summary>
    public async ValueTask CompleteAsync(CancellationToken cancellationToken)
    {
        if (_matched > 0) await inner.WriteAsync(check.AsMemory(0, _matched), cancellationToken).ConfigureAwait(false);
        _matched = -1;
    }

    public override void Flush() => inner.Flush();
    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
