using Exim.TestKit;

namespace Exim.Host.Tests.Delivery;

public sealed partial class QueueRunnerTests
{
    /// <summary>
    /// Spool locking is Exim's (fcntl on the -D file), not .NET's advisory flock on every open: another program's flock on
    /// a message's -H file (here a .NET reader with FileShare.None, as a backup tool might hold it) does not keep the
    /// message from being delivered, as it would not keep Exim's.
    /// </summary>
    [Fact]
    public async Task AnotherProgramsFlockOnTheHeaderFile_DoesNotStopDelivery()
    {
        var sink = new ScriptedSmtpServer(ScriptedSmtpServer.Answers());
        await using (sink)
        {
            await using var d = await TestDaemon.StartAsync(Config("", sink.Port));
            Assert.Equal(0, (await SendAsync(d, "a@stall.example")).Item1);
            var header = System.IO.Directory.GetFiles(Path.Combine(d.Directory.Path, "spool", "input"), "*-H").Single();

            int code;
            string output, errors;
            using (new FileStream(header, FileMode.Open, FileAccess.Read, FileShare.None)) // flock(LOCK_EX) held meanwhile
            {
                (code, output, errors) = await EximProcess.RunAsync(d.Directory.Path, "-C", d.ConfigPath, "-qf");
            }

            Assert.True(code == 0, output + errors + d.MainLog);
            Assert.Equal(1, d.CountLog(" Completed"));
            Assert.Equal(1, sink.Commands.Count(c => c == "."));
        }
    }
}
