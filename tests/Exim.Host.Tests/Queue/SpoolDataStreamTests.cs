using System.Text;
using Exim.Mail.Smtp;
using Exim.Mail.Spool;
using Exim.TestKit;

namespace Exim.Host.Tests.Queue;

/// <summary>
/// A reception's -D file is unbuffered and written through <see cref="SpoolDataStream"/>'s pooled buffer: whatever the
/// sizes of the writes, the file holds the id line and then every byte in order once committed, and a write is in the
/// file only when the buffer fills, on a flush or at the commit.
/// </summary>
public sealed class SpoolDataStreamTests
{
    [Fact]
    public async Task ABodyInSpansOfEverySize_IsCommittedWholeAndInOrder_AfterTheIdLine()
    {
        using var dir = new TempDirectory();
        await using var spool = new FileSpool(dir.Path, TimeProvider.System, syncFilesystem: false);
        var body = new StringBuilder();
        for (var i = 0; body.Length < 300_000; i++) body.Append(i).Append(i % 7 == 0 ? '\n' : ' ');
        var text = body.ToString();
        var sizes = new[] { 1, 7, 300, 16_383, 16_384, 16_385, 40_000, 2 };

        var message = spool.Create();
        var receiver = new MessageReceiver(message.Data, 0);
        receiver.Add("Subject: spans\n\n"u8);
        for (int at = 0, k = 0; at < text.Length; k++)
        {
            var n = Math.Min(sizes[k % sizes.Length], text.Length - at);
            receiver.Add(Encoding.Latin1.GetBytes(text.Substring(at, n)));
            at += n;
        }
        await receiver.FinishAsync();
        await spool.CommitAsync(message, SpoolTestMessages.Envelope(), receiver.Headers, CancellationToken.None).WaitAsync(TestTimeouts.Default);

        Assert.Equal(text.Length, receiver.BodyBytes);
        Assert.Equal($"{message.Id}-D\n{text}", File.ReadAllText(message.DataPath, Encoding.Latin1));
    }

    [Fact]
    public async Task ASmallMessage_ReachesTheFileInOneWrite_AtItsFlush()
    {
        using var dir = new TempDirectory();
        await using var spool = new FileSpool(dir.Path, TimeProvider.System, syncFilesystem: false);
        var message = spool.Create();
        await message.Data.WriteAsync("a small body\n"u8.ToArray());

        Assert.Equal(0, new FileInfo(message.DataPath).Length); // the id line and the body are still gathered
        await message.Data.FlushAsync();
        Assert.Equal($"{message.Id}-D\na small body\n", File.ReadAllText(message.DataPath, Encoding.Latin1));
        await FileSpool.AbandonAsync(message);
        Assert.False(message.Data.CanWrite); // disposed: its buffer given back
        Assert.False(File.Exists(message.DataPath));
    }
}
