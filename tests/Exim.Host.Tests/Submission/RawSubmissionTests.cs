using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;
using Exim.Host.Configuration;
using Exim.Host.Submission;
using Exim.Mail.Submission;
using Exim.TestKit;

namespace Exim.Host.Tests.Submission;

/// <summary>
/// A client that speaks the submission protocol itself (not our sendmail): the daemon does not trust it to be honest or
/// to finish: a message cut short is not spooled, forged values are refused, and one user's connections are capped.
/// </summary>
public sealed class RawSubmissionTests(SendmailDaemonFixture fixture) : IClassFixture<SendmailDaemonFixture>
{
    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..20];

    private async Task<Socket> ConnectAsync()
    {
        var loaded = TomlConfigLoader.Load(fixture.Daemon.ConfigPath);
        Assert.True(loaded.Succeeded);
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(SubmissionSocket.EndPoint(SubmissionSocket.Name(loaded.Config.Config.Main))).WaitAsync(TestTimeouts.Default);
        return socket;
    }

    private static byte[] Chunk(string text)
    {
        var data = Encoding.ASCII.GetBytes(text);
        var chunk = new byte[data.Length + 4];
        BinaryPrimitives.WriteInt32BigEndian(chunk, data.Length);
        data.CopyTo(chunk, 4);
        return chunk;
    }

    private static async Task<string> ReplyAsync(Socket socket, TimeSpan? within = null)
    {
        var buffer = new byte[512];
        using var timeout = new CancellationTokenSource(within ?? TestTimeouts.Default);
        var read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
        return Encoding.ASCII.GetString(buffer, 0, read);
    }

    [Fact]
    public async Task ClientGoneMidMessage_NothingIsSpooled_AndTheLossIsLogged()
    {
        var to = Unique("half");
        using (var socket = await ConnectAsync())
        {
            var request = new SubmissionRequest(SubmissionMode.Message, null, null, false, [$"{to}@test.example"], SubmissionDelivery.QueueOnly);
            await socket.SendAsync(Encoding.ASCII.GetBytes(request.Format()), SocketFlags.None);
            await socket.SendAsync(Chunk("Subject: payroll\n\nfirst half of the "), SocketFlags.None); // then the client is killed
        }
        await fixture.Daemon.WaitForLogAsync("connection closed while reading local message from root: message abandoned");
        Assert.Null(fixture.QueuedIdFor($"{to}@test.example"));
        Assert.Empty(Submitter.Delivered(fixture.Directory, to));

        // The same, finished with the final empty chunk, is accepted.
        using (var socket = await ConnectAsync())
        {
            var request = new SubmissionRequest(SubmissionMode.Message, null, null, false, [$"{to}@test.example"], SubmissionDelivery.QueueOnly);
            await socket.SendAsync(Encoding.ASCII.GetBytes(request.Format()), SocketFlags.None);
            await socket.SendAsync(Chunk("Subject: payroll\n\nthe whole of it\n"), SocketFlags.None);
            await socket.SendAsync(new byte[4], SocketFlags.None);
            Assert.StartsWith("250 ", await ReplyAsync(socket), StringComparison.Ordinal);
        }
        Assert.NotNull(fixture.QueuedIdFor($"{to}@test.example"));
    }

    [Theory]
    [InlineData("name Boss\rX-Injected: yes")]
    [InlineData("name A\0B")]
    [InlineData("sender evil@example.com H=forged")]
    public async Task ForgedValues_AreRefusedByTheDaemon(string line)
    {
        var to = Unique("forge");
        using var socket = await ConnectAsync();
        await socket.SendAsync(Encoding.UTF8.GetBytes($"{SubmissionRequest.Magic}\nmode bm\n{line}\nrcpt {to}@test.example\ndelivery q\n\n"), SocketFlags.None);
        await socket.SendAsync(Chunk("Subject: x\n\nbody\n"), SocketFlags.None);
        await socket.SendAsync(new byte[4], SocketFlags.None);
        Assert.StartsWith("550 malformed submission request", await ReplyAsync(socket), StringComparison.Ordinal);
        Assert.Null(fixture.QueuedIdFor($"{to}@test.example"));
    }

    [Fact]
    public async Task OneUser_HoldsAtMostFourSubmissions_TheFifthIsDeferred()
    {
        var held = new List<Socket>();
        try
        {
            for (var i = 0; i < SubmissionServer.MaxPerUser; i++)
            {
                var socket = await ConnectAsync();
                held.Add(socket);
                await socket.SendAsync("EXIM"u8.ToArray(), SocketFlags.None); // a slow client: the header never ends
            }
            // Each connection counts once the daemon has accepted it: the fifth is deferred once all four are in.
            var reply = "";
            for (var attempt = 0; attempt < 20 && !reply.StartsWith("451 ", StringComparison.Ordinal); attempt++)
            {
                using var fifth = await ConnectAsync();
                try
                {
                    reply = await ReplyAsync(fifth, TimeSpan.FromMilliseconds(500));
                }
                catch (OperationCanceledException)
                {
                    // Not all four counted yet: this one was taken as a fourth; it is closed and tried again.
                }
            }
            Assert.StartsWith("451 too many concurrent submissions from this user (max 4)", reply, StringComparison.Ordinal);
        }
        finally
        {
            foreach (var socket in held) socket.Dispose();
        }
    }
}
