using System.Text.RegularExpressions;
using Exim.Host.Tests.Tls;
using Exim.TestKit;

namespace Exim.Host.Tests.Auth;

/// <summary>
/// The issue's "done": swaks submits over the submission port with STARTTLS and AUTH, and over a TLS-on-connect port
/// with AUTH, to a real daemon with the shipped scripts/mail.csx and auth_advertise_hosts left unset (AUTH only under
/// TLS); in clear on the submission port there is no AUTH to be had, so MAIL is refused.
/// </summary>
public sealed partial class SubmissionOverTlsTests : IDisposable
{
    private readonly TlsFixture _tls = new();

    public void Dispose() => _tls.Dispose();

    [Fact]
    public async Task Swaks_SubmitsWithStartTlsAndAuth_AndOverImplicitTls_NeverInClear()
    {
        var (submission, smtps) = (TlsDaemonTests.FreePort(), TlsDaemonTests.FreePort());
        var dir = new TempDirectory("exim-submission-tls");
        dir.Write("passwd", AuthFiles.Text);
        var script = File.ReadAllText(Path.Combine(RepoPaths.Root, "scripts", "mail.csx"));
        Assert.Contains("Connection.LocalPort == 587", script, StringComparison.Ordinal);
        dir.Write("scripts/mail.csx", script.Replace("== 587", $"== {submission}", StringComparison.Ordinal));
        var config = TlsDaemonTests.Config(submission, smtps, TlsDaemonTests.Pair(_tls.Server)).Replace("relay_from_hosts = [\"127.0.0.1\"]", "relay_from_hosts = []", StringComparison.Ordinal)
            + AuthDaemon.PasswdFilePlugin + "\n\n[hooks]\nmail = \"scripts/mail.csx\"\n" + AuthDaemon.Authenticators();
        await using var d = await TestDaemon.StartAsync(config, dir);

        // In clear on the submission port: no AUTH offered, so MAIL is refused.
        var (code, output) = await Swaks.RunAsync("--server", $"127.0.0.1:{submission}", "--from", "alice@test.example", "--to", "bob@elsewhere.example",
            "--helo", "laptop.example", "--body", "in clear", "--quit-after", "MAIL");
        Assert.NotEqual(0, code);
        Assert.Contains("<** 530 5.7.0 Authentication required", output, StringComparison.Ordinal);
        Assert.DoesNotContain("250-AUTH", output, StringComparison.Ordinal);

        // STARTTLS, then AUTH, then a relayed message.
        (code, output) = await Swaks.RunAsync("--server", $"127.0.0.1:{submission}", "--tls", "--auth", "PLAIN", "--auth-user", "alice",
            "--auth-password", AuthFiles.AlicePassword, "--from", "alice@test.example", "--to", "bob@elsewhere.example", "--helo", "laptop.example",
            "--body", "submitted over STARTTLS");
        Assert.True(code == 0, output);
        var id = IdReply().Match(output).Groups[1].Value;
        Assert.NotEmpty(id);
        await d.WaitForLogAsync($"{id} <= alice@test.example H=(laptop.example) [127.0.0.1] P=esmtpsa X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=no A=plain:alice S=");
        var header = await File.ReadAllTextAsync(Path.Combine(d.InputDirectory, id + "-H"));
        Assert.Contains("with esmtpsa  (TLS1.3) tls TLS_AES_256_GCM_SHA384\n\t(Exim 4.96)", header, StringComparison.Ordinal);

        // Implicit TLS (465's shape), AUTH LOGIN.
        (code, output) = await Swaks.RunAsync("--server", $"127.0.0.1:{smtps}", "--tlsc", "--auth", "LOGIN", "--auth-user", "alice",
            "--auth-password", AuthFiles.AlicePassword, "--from", "alice@test.example", "--to", "bob@elsewhere.example", "--helo", "laptop.example",
            "--body", "submitted over implicit TLS");
        Assert.True(code == 0, output);
        id = IdReply().Match(output).Groups[1].Value;
        Assert.NotEmpty(id);
        await d.WaitForLogAsync($"{id} <= alice@test.example H=(laptop.example) [127.0.0.1] P=esmtpsa X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=no A=login:alice S=");
    }

    [GeneratedRegex(@"250 OK id=(\S+)")]
    private static partial Regex IdReply();
}
