using System.Collections.Immutable;
using System.Text;
using Exim.Mail.Spool;
using Exim.TestKit;

namespace Exim.Host.Tests.Queue;

/// <summary>Messages for the in-process spool tests: an envelope, and a message received and committed in one call.</summary>
internal static class SpoolTestMessages
{
    public static Envelope Envelope()
        => new("a@example.org", ImmutableArray.Create("b@test.example"), DateTimeOffset.UtcNow, "client.test", "127.0.0.1", 4000, "127.0.0.1", 25, "esmtp", 1, 10);

    /// <summary>Creates a message in <paramref name="queue"/> with <paramref name="body"/>, commits it, and returns it (closed).</summary>
    public static async Task<SpoolMessage> CommitAsync(FileSpool spool, string? queue = null, string body = "body\n")
    {
        var message = spool.Create(queue);
        await message.Data.WriteAsync(Encoding.Latin1.GetBytes(body));
        await spool.CommitAsync(message, Envelope(), ["Subject: x\n"], CancellationToken.None).WaitAsync(TestTimeouts.Default);
        return message;
    }
}
