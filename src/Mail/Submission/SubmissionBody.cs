using System.Buffers;
using System.Buffers.Binary;

namespace Exim.Mail.Submission;

/// <summary>
/// The message on the submission socket (protocol 2): chunks of a 4-byte big-endian length and that many bytes, a chunk
/// of length zero ending the message. A client that dies mid-message (Ctrl-C, a cron timeout, the OOM killer) closes the
/// socket without the final chunk, and the daemon abandons what it read instead of delivering half a message.
/// </summary>
internal static class SubmissionBody
{
    /// <summary>The largest chunk a reader accepts (the writer sends at most 64 KiB).</summary>
    public const int MaxChunk = 1024 * 1024;

    private const int WriteChunk = 64 * 1024;

    /// <summary>Copies <paramref name="source"/> to its end into <paramref name="destination"/> as chunks, then the final empty chunk.</summary>
    public static async Task WriteAsync(Stream source, Stream destination, CancellationToken cancellationToken = default)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(WriteChunk + 4);
        try
        {
            int read;
            while ((read = await source.ReadAsync(buffer.AsMemory(4, WriteChunk), cancellationToken).ConfigureAwait(false)) > 0)
            {
                BinaryPrimitives.WriteInt32BigEndian(buffer, read);
                await destination.WriteAsync(buffer.AsMemory(0, read + 4), cancellationToken).ConfigureAwait(false);
            }
            BinaryPrimitives.WriteInt32BigEndian(buffer, 0);
            await destination.WriteAsync(buffer.AsMemory(0, 4), cancellationToken).ConfigureAwait(false);
            await destination.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// The message read from chunked <paramref name="inner"/>: ends (0) at the final chunk; throws
    /// <see cref="IncompleteMessageException"/> when the connection ends before it or a chunk's length is out of range.
    /// </summary>
    public static Stream Reader(Stream inner) => new SubmissionBodyReader(inner);
}
