namespace Exim.Mail.Smtp.Policy;

/// <summary>
/// A read-only view of a spool -D file's body (what follows its <c>id-D</c> line), for the data stage: it reads the file
/// as it is on disk, so the message is never held in memory, and it cannot be written through.
/// </summary>
internal sealed class SpoolBodyStream(FileStream file, long bodyOffset) : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override long Length => file.Length - bodyOffset;

    public override long Position
    {
        get => file.Position - bodyOffset;
        set => file.Position = bodyOffset + Math.Clamp(value, 0, Length);
    }

    public override int Read(byte[] buffer, int offset, int count) => file.Read(buffer, offset, count);

    public override int Read(Span<byte> buffer) => file.Read(buffer);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => file.ReadAsync(buffer, cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => file.ReadAsync(buffer, offset, count, cancellationToken);

    public override long Seek(long offset, SeekOrigin origin)
    {
        var target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => Position + offset,
            _ => Length + offset,
        };
        if (target < 0) throw new IOException("cannot seek before the start of the body");
        file.Position = bodyOffset + target;
        return target;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException("the message body is read only");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("the message body is read only");

    protected override void Dispose(bool disposing)
    {
        if (disposing) file.Dispose();
        base.Dispose(disposing);
    }
}
