using System.Collections.Immutable;
using System.Text;
using Exim.Abstractions.Transports;

namespace Exim.Host.Tests.Appendfile;

/// <summary>
/// A message written a line at a time with a pause after each (so two unlocked deliveries would interleave), optionally
/// failing with an I/O error after <paramref name="failAfterLines"/> lines (a full disk in the middle of a write).
/// </summary>
internal sealed class SlowDeliveryMessage(string sender, int lines, TimeSpan pause, int failAfterLines = -1) : IDeliveryMessage
{
    public string Id => "1tEsTs-000002-AB";
    public string Sender => sender;
    public DateTimeOffset Received => DateTimeOffset.UnixEpoch;
    public long Size => 0;
    public ImmutableArray<string> Headers => ["Subject: slow\n"];

    public async Task WriteToAsync(Stream destination, MessageWriteOptions options, CancellationToken cancellationToken)
    {
        await destination.WriteAsync(Encoding.ASCII.GetBytes("Subject: slow\n\n"), cancellationToken);
        for (var i = 0; i < lines; i++)
        {
            if (i == failAfterLines) throw new IOException("No space left on device", 28);
            // Long lines, so the transport's buffer reaches the file before the message ends.
            await destination.WriteAsync(Encoding.ASCII.GetBytes($"{sender} line {i} {new string('x', 8000)}\n"), cancellationToken);
            await destination.FlushAsync(cancellationToken);
            if (pause > TimeSpan.Zero) await Task.Delay(pause, cancellationToken);
        }
    }
}
