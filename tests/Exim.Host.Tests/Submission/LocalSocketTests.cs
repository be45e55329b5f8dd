using System.Net.Sockets;
using Exim.Host.Cli.Commands;
using Exim.Host.Listeners;
using Exim.Mail.Native;
using Exim.TestKit;

namespace Exim.Host.Tests.Submission;

/// <summary>The sockets of local sessions: the in-process pair and a listening socket's path.</summary>
public sealed class LocalSocketTests
{
    [Fact]
    public async Task InProcessPair_IsAUnixSocketPair_NoOtherProcessCanReach()
    {
        var (server, client) = StdioPump.SocketPair();
        using (server)
        using (client)
        {
            Assert.Equal(AddressFamily.Unix, server.AddressFamily);
            Assert.Equal(Environment.ProcessId, Posix.PeerCredentialsOf(server).Pid);
            await client.SendAsync("EHLO x\r\n"u8.ToArray(), SocketFlags.None);
            var buffer = new byte[16];
            using var timeout = new CancellationTokenSource(TestTimeouts.Default);
            Assert.Equal(8, await server.ReceiveAsync(buffer, SocketFlags.None, timeout.Token));
        }
    }

    [Fact]
    public void StaleRemoval_LeavesARegularFileAlone_AndReplacesADeadSocket()
    {
        using var directory = new TempDirectory("exim-unixsock");
        var file = directory.Write("not-a-socket", "precious");
        Assert.Equal("exists and is not a socket", UnixSocketFile.RemoveStale(file));
        Assert.Equal("precious", File.ReadAllText(file));

        var path = directory.Combine("dead.sock");
        using (var dead = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            dead.Bind(new UnixDomainSocketEndPoint(path)); // bound, never listening, then closed: the file stays behind
        }
        Assert.Null(UnixSocketFile.RemoveStale(path));
        Assert.False(File.Exists(path));

        using var live = UnixSocketFile.Listen(path, UnixFileMode.UserRead | UnixFileMode.UserWrite, 1);
        Assert.Equal("another daemon is answering on it", UnixSocketFile.RemoveStale(path));
    }
}
