using System.Buffers.Binary;

namespace Exim.Mail.Submission;

/// <summary>The message read from the chunks of <see cref="SubmissionBody"/>; the connection's end before the final chunk throws <see cref="IncompleteMessageException"/>.</summary>
internal sealed class SubmissionBodyReader(Stream inner) : Stream
{
    private readonly byte[] _length = new byte[4];
    private int _left;
    private bool _ended;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_ended || buffer.IsEmpty) return 0;
        if (_left == 0)
        {
            await FillAsync(_length, cancellationToken).ConfigureAwait(false);
            _left = BinaryPrimitives.ReadInt32BigEndian(_length);
            if (_left is < 0 or > SubmissionBody.MaxChunk) throw new IncompleteMessageException($"bad chunk length {_left}");
            if (_left == 0)
            {
                _ended = true;
                return 0;
            }
        }
        var read = await inner.ReadAsync(buffer[..Math.Min(buffer.Length, _left)], cancellationToken).ConfigureAwait(false);
        if (read == 0) throw new IncompleteMessageException("connection closed");
        _left -= read;
        return read;
    }

    private async Task FillAsync(Memory<byte> into, CancellationToken cancellationToken)
    {
        try
        {
            await inner.ReadExactlyAsync(into, cancellationToken).ConfigureAwait(false);
        }
        catch (EndOfStreamException)
        {
            throw new IncompleteMessageException("connection closed");
        }
    }
}
