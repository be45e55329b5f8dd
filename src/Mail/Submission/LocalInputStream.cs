namespace Exim.Mail.Submission;

/// <summary>
/// A non-SMTP message on stdin, as Exim reads it: unless <c>-i</c>/<c>-oi</c> was given, a line holding a single dot
/// (<c>.</c> then LF, or CR LF) ends the message and is not part of it; otherwise only the end of input does. What this
/// stream returns is the message up to there, unchanged (line ends are made LF later, by the reception).
/// </summary>
internal sealed class LocalInputStream(Stream inner, bool dotEnds) : Stream
{
    private readonly byte[] _buffer = new byte[16 * 1024];
    private int _start;
    private int _end;
    private State _state = State.LineStart;
    private bool _ended;

    private enum State : byte { LineStart, Dot, DotCr, Middle }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        while (true)
        {
            if (_start == _end && !_ended)
            {
                _start = 0;
                _end = inner.Read(_buffer);
                if (_end == 0) _ended = true;
            }
            var written = Take(buffer);
            if (written > 0 || _ended) return written;
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (_start == _end && !_ended)
            {
                _start = 0;
                _end = await inner.ReadAsync(_buffer, cancellationToken).ConfigureAwait(false);
                if (_end == 0) _ended = true;
            }
            var written = Take(buffer.Span);
            if (written > 0 || _ended) return written;
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Moves what is buffered into <paramref name="output"/>, stopping at the end line; returns the bytes written.</summary>
    private int Take(Span<byte> output)
    {
        if (!dotEnds)
        {
            var n = Math.Min(output.Length, _end - _start);
            _buffer.AsSpan(_start, n).CopyTo(output);
            _start += n;
            return n;
        }
        var written = 0;
        if (_ended && _start == _end)
        {
            // Input ended just after "." or ".\r" at the start of a line: those bytes are the message's.
            if (_state == State.Dot && output.Length >= 1) { output[written++] = (byte)'.'; _state = State.Middle; }
            else if (_state == State.DotCr && output.Length >= 2) { output[written++] = (byte)'.'; output[written++] = (byte)'\r'; _state = State.Middle; }
            return written;
        }
        // Room for a held-back ".\r" plus the byte that decides it.
        while (_start < _end && written + 3 <= output.Length)
        {
            var b = _buffer[_start++];
            switch (_state)
            {
                case State.LineStart when b == (byte)'.':
                    _state = State.Dot;
                    continue;
                case State.Dot when b == (byte)'\n':
                case State.DotCr when b == (byte)'\n':
                    _ended = true; // the end line: nothing after it is read
                    _start = _end;
                    _state = State.Middle;
                    return written;
                case State.Dot when b == (byte)'\r':
                    _state = State.DotCr;
                    continue;
                case State.Dot:
                    output[written++] = (byte)'.';
                    break;
                case State.DotCr:
                    output[written++] = (byte)'.';
                    output[written++] = (byte)'\r';
                    break;
            }
            output[written++] = b;
            _state = b == (byte)'\n' ? State.LineStart : State.Middle;
        }
        return written;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}
