using System.Buffers;

namespace Exim.Mail.Spool;

/// <summary>
/// A reception's -D file as it is written. Writes gather in a 16 KB buffer rented from <see cref="ArrayPool{T}"/> and go
/// to the unbuffered file when it is full (a write longer than it goes straight through) and on <see cref="Flush"/>, so a
/// small message, its id line included, is one write; FileStream's own buffer would be a new 16 KB array for every
/// message (it has no pool), half of what receiving one allocated. Disposing writes what is left, gives the buffer back,
/// releases the reception's lock (<see cref="DataFileLock.Unlock"/>) and closes the file. One writer at a time, as a
/// FileStream.
/// </summary>
internal sealed class SpoolDataStream(FileStream file) : Stream
{
    private const int BufferSize = 16 * 1024;

    private byte[]? _buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
    private int _length;

    /// <summary>The open -D file (unbuffered): its lock and its fsync.</summary>
    public FileStream File { get; } = file;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => _buffer is not null;
    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        var gathered = _buffer ?? throw new ObjectDisposedException(nameof(SpoolDataStream));
        if (buffer.Length > gathered.Length - _length)
        {
            Flush();
            if (buffer.Length >= gathered.Length)
            {
                File.Write(buffer);
                return;
            }
        }
        buffer.CopyTo(gathered.AsSpan(_length));
        _length += buffer.Length;
    }

    /// <summary>As <see cref="Write(ReadOnlySpan{byte})"/>: a write to the file's page cache does not wait for the disk.</summary>
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Writes what is gathered to the file (not to the disk: see <see cref="FlushToDisk"/>).</summary>
    public override void Flush()
    {
        if (_length == 0 || _buffer is null) return;
        File.Write(_buffer.AsSpan(0, _length));
        _length = 0;
    }

    public override Task FlushAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Flush();
        return Task.CompletedTask;
    }

    /// <summary>Writes what is gathered and fsyncs the file (the commit's sync of the -D file).</summary>
    public void FlushToDisk()
    {
        Flush();
        File.Flush(flushToDisk: true);
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && _buffer is { } buffer)
        {
            try
            {
                Flush();
            }
            finally
            {
                _buffer = null;
                ArrayPool<byte>.Shared.Return(buffer);
                DataFileLock.Unlock(File);
                File.Dispose();
            }
        }
        base.Dispose(disposing);
    }
}
