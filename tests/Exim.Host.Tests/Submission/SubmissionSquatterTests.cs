using System.Diagnostics;
using Exim.TestKit;

namespace Exim.Host.Tests.Submission;

/// <summary>
/// Another local user binds the submission socket's name first (the abstract namespace has no permissions): the client
/// sees by the socket's peer credentials that nobody, not the mail system, answers, and sends it nothing.
/// </summary>
public sealed class SubmissionSquatterTests
{
    /// <summary>A listener as nobody (perl, from Debian's essential perl-base) that answers every connection "250 SQUATTED".</summary>
    private const string Squatter = """
        use Socket; $| = 1;
        socket(S, PF_UNIX, SOCK_STREAM, 0) or die "socket: $!";
        bind(S, pack_sockaddr_un("\0" . $ARGV[0])) or die "bind: $!";
        listen(S, 5) or die "listen: $!";
        print "ready\n";
        while (accept(C, S)) { my $b; sysread(C, $b, 65536); $got += length $b; syswrite(C, "250 SQUATTED\n"); close C; print STDERR "got $got\n" if $got; }
        """;

    [Fact]
    public async Task SocketSquattedByNobody_IsRefused_NobodyGetsTempFail_RootReceivesDirectly()
    {
        using var directory = new TempDirectory("exim-squat");
        var name = $"exim-squat-{Guid.NewGuid():N}";
        var config = directory.Write("exim.toml", SendmailDaemonFixture.Config($"queue_only = true\nsubmission_socket = \"@{name}\""));
        Submitter.OpenUp(directory);
        Directory.CreateDirectory(directory.Combine("spool", "input"));

        var psi = new ProcessStartInfo("setpriv") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in (string[])["--reuid=65534", "--regid=65534", "--clear-groups", "perl", "-e", Squatter, name]) psi.ArgumentList.Add(a);
        using var squatter = Process.Start(psi) ?? throw new InvalidOperationException("cannot start perl");
        try
        {
            using (var ready = new CancellationTokenSource(TestTimeouts.Default))
            {
                Assert.Equal("ready", await squatter.StandardOutput.ReadLineAsync(ready.Token));
            }

            var (nobodyCode, _, nobodyError) = await Submitter.RunAsync(directory, "sendmail", asNobody: true, "Subject: x\n\nsecret body\n", "-C", config, "user@test.example");
            Assert.True(nobodyCode == 75, nobodyError);
            Assert.Contains($"its submission socket @{name} is answered by someone else (pid {squatter.Id} uid 65534, neither root nor", nobodyError, StringComparison.Ordinal);
            Assert.Contains("the message was not accepted", nobodyError, StringComparison.Ordinal);

            // Root may write the spool: it receives the message itself rather than handing it to the squatter.
            var (rootCode, _, rootError) = await Submitter.RunAsync(directory, "sendmail", asNobody: false, "Subject: y\n\nbody\n", "-C", config, "user@test.example");
            Assert.True(rootCode == 0, rootError);
            Assert.Single(Directory.GetFiles(directory.Combine("spool", "input"), "*-H"));
        }
        finally
        {
            squatter.Kill();
            await squatter.WaitForExitAsync().WaitAsync(TestTimeouts.Default);
        }
        // The squatter was connected to (that is how the client learns who it is) but was sent nothing.
        Assert.DoesNotContain("got ", await squatter.StandardError.ReadToEndAsync().WaitAsync(TestTimeouts.Default), StringComparison.Ordinal);
    }
}
