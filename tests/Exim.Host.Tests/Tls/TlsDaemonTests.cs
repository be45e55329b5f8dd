using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Exim.TestKit;

namespace Exim.Host.Tests.Tls;

/// <summary>
/// TLS in a real <c>exim -bd</c> with real clients: swaks <c>--tls</c> (STARTTLS) and <c>--tlsc</c> (a TLS-on-connect
/// port), <c>openssl s_client</c> (SNI picks the certificate; a refused protocol is logged as Exim logs it), and client
/// certificates required by tls_verify_hosts.
/// </summary>
public sealed partial class TlsDaemonTests : IDisposable
{
    private readonly TlsFixture _tls = new();

    /// <summary>A daemon config listening on <paramref name="smtp"/> and, for implicit TLS, <paramref name="smtps"/>.</summary>
    internal static string Config(int smtp, int smtps, string tls) => TestDaemon.SmtpConfig(tls)
        .Replace("daemon_smtp_ports = [0]", $"daemon_smtp_ports = [{smtp}, {smtps}]\ntls_on_connect_ports = [{smtps}]", StringComparison.Ordinal);

    internal static string Pair(TestCertificate certificate)
        => $"tls_certificate = [\"{certificate.CertificatePath}\"]\ntls_privatekey = [\"{certificate.KeyPath}\"]";

    internal static int FreePort()
    {
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)s.LocalEndPoint!).Port;
    }

    [Fact]
    public async Task Swaks_StartTlsAndTlsOnConnect_BothDeliverOverTls()
    {
        var (smtp, smtps) = (FreePort(), FreePort());
        await using var d = await TestDaemon.StartAsync(Config(smtp, smtps, Pair(_tls.Server)));
        Assert.Contains($"listening for SMTP on [127.0.0.1]:{smtp} and for SMTPS on [127.0.0.1]:{smtps}", d.MainLog, StringComparison.Ordinal);

        var (code, output) = await Swaks.RunAsync("--server", $"127.0.0.1:{smtp}", "--tls", "--from", "alice@example.org", "--to", "bob@test.example",
            "--helo", "starttls.example", "--body", "over STARTTLS");
        Assert.True(code == 0, output);
        Assert.Contains("<-  220 TLS go ahead", output, StringComparison.Ordinal);
        Assert.Contains("=== TLS started with cipher TLSv1.3:TLS_AES_256_GCM_SHA384:256", output, StringComparison.Ordinal);
        var id = IdReply().Match(output).Groups[1].Value;
        await d.WaitForLogAsync($"{id} <= alice@example.org H=(starttls.example) [127.0.0.1] P=esmtps X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=no S=");
        var header = await File.ReadAllTextAsync(Path.Combine(d.InputDirectory, id + "-H"));
        Assert.Contains("with esmtps  (TLS1.3) tls TLS_AES_256_GCM_SHA384\n\t(Exim 4.96)", header, StringComparison.Ordinal);

        (code, output) = await Swaks.RunAsync("--server", $"127.0.0.1:{smtps}", "--tlsc", "--from", "alice@example.org", "--to", "bob@test.example",
            "--helo", "smtps.example", "--body", "over implicit TLS");
        Assert.True(code == 0, output);
        id = IdReply().Match(output).Groups[1].Value;
        await d.WaitForLogAsync($"{id} <= alice@example.org H=(smtps.example) [127.0.0.1] P=esmtps X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=no S=");
    }

    [Fact]
    public async Task OpenSsl_Sni_ChoosesTheCertificateByName_OnBothKindsOfPort()
    {
        var first = _tls.Certificates.Issue("first", ["first.example", "mx.test.example"]);
        var second = _tls.Certificates.Issue("second", ["second.example", "*.wild.example"]);
        var (smtp, smtps) = (FreePort(), FreePort());
        await using var d = await TestDaemon.StartAsync(Config(smtp, smtps,
            $"tls_certificate = [\"{first.CertificatePath}\", \"{second.CertificatePath}\"]\ntls_privatekey = [\"{first.KeyPath}\", \"{second.KeyPath}\"]"));

        Assert.Equal("second.example", await ServedAsync(smtp, "-starttls", "smtp", "-servername", "second.example"));
        Assert.Equal("second.example", await ServedAsync(smtps, "-servername", "mx.wild.example"));
        Assert.Equal("first.example", await ServedAsync(smtps, "-servername", "first.example"));
        Assert.Equal("first.example", await ServedAsync(smtp, "-starttls", "smtp", "-servername", "unknown.example"));
        Assert.Equal("first.example", await ServedAsync(smtps, "-noservername"));
    }

    [Fact]
    public async Task OpenSsl_ProtocolBelowTlsMinProtocol_IsRefusedAndLoggedAsEximDoes()
    {
        var smtp = FreePort();
        await using var d = await TestDaemon.StartAsync(Config(smtp, FreePort(), Pair(_tls.Server) + "\ntls_min_protocol = \"TLS1.3\""));

        var (code, output) = await OpenSsl.SClientAsync(smtp, "QUIT\n", "-starttls", "smtp", "-tls1_2");

        Assert.NotEqual(0, code);
        await d.WaitForLogAsync("TLS error on connection from (mail.example.com) [127.0.0.1] (SSL_accept): ");
        Assert.Matches(@"TLS error on connection from \(mail\.example\.com\) \[127\.0\.0\.1\] \(SSL_accept\): .*unsupported protocol", d.MainLog);
        Assert.DoesNotContain(" <= ", d.MainLog, StringComparison.Ordinal);
        _ = output;
    }

    [Fact]
    public async Task ClientCertificate_RequiredByTlsVerifyHosts_RefusedWithout_CvYesWith()
    {
        var client = _tls.Certificates.Issue("client", ["client.example"], client: true);
        var smtp = FreePort();
        await using var d = await TestDaemon.StartAsync(Config(smtp, FreePort(),
            Pair(_tls.Server) + $"\ntls_verify_hosts = [\"127.0.0.1\"]\ntls_verify_certificates = \"{_tls.Certificates.CaPath}\""));

        var (code, output) = await Swaks.RunAsync("--server", $"127.0.0.1:{smtp}", "--tls", "--from", "alice@example.org", "--to", "bob@test.example",
            "--helo", "nocert.example");
        Assert.True(code != 0, output);
        await d.WaitForLogAsync("TLS error on connection from (nocert.example) [127.0.0.1] (SSL_accept): peer did not return a certificate");

        (code, output) = await Swaks.RunAsync("--server", $"127.0.0.1:{smtp}", "--tls", "--tls-cert", client.CertificatePath, "--tls-key", client.KeyPath,
            "--from", "alice@example.org", "--to", "bob@test.example", "--helo", "withcert.example");
        Assert.True(code == 0, output);
        var id = IdReply().Match(output).Groups[1].Value;
        await d.WaitForLogAsync($"{id} <= alice@example.org H=(withcert.example) [127.0.0.1] P=esmtps X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=yes S=");
    }

    [Fact]
    public async Task OpenSsl_Quit_EndsTheTlsSessionWithCloseNotify()
    {
        var (smtp, smtps) = (FreePort(), FreePort());
        // s_client sends its input at once, so the synchronization check is off for it.
        await using var d = await TestDaemon.StartAsync(Config(smtp, smtps, Pair(_tls.Server) + "\nsmtp_enforce_sync = false"));

        var (_, output) = await OpenSsl.SClientAsync(smtps, "EHLO client.example\nQUIT\n");

        Assert.Contains("221 mx.test.example closing connection", output, StringComparison.Ordinal);
        Assert.DoesNotContain("unexpected eof", output, StringComparison.OrdinalIgnoreCase);
        await d.WaitForLogAsync("SMTP connection from (client.example) [127.0.0.1] closed by QUIT");
    }

    [Fact]
    public async Task AcceptHook_OnATlsOnConnectPort_SeesTheTlsSession()
    {
        var (smtp, smtps) = (FreePort(), FreePort());
        var dir = new TempDirectory("exim-daemon");
        dir.Write("scripts/accept.csx", """
            return Connection.TlsSession is { Protocol: "TLS1.3", Sni: "mx.test.example" } ? Verdict.Accept : Verdict.Reject("encrypt first");
            """);
        await using var d = await TestDaemon.StartAsync(Config(smtp, smtps, Pair(_tls.Server)) + "\n[hooks]\naccept = \"scripts/accept.csx\"\n", dir);

        var (c, greeting) = await SmtpTestClient.OpenAsync(smtp);
        await c.DisposeAsync();
        Assert.Equal("554 encrypt first", greeting);

        var (code, output) = await Swaks.RunAsync("--server", $"127.0.0.1:{smtps}", "--tlsc", "--tls-sni", "mx.test.example",
            "--from", "alice@example.org", "--to", "bob@test.example", "--helo", "smtps.example");
        Assert.True(code == 0, output);
    }

    /// <summary>The CN of the certificate the daemon serves for an <c>openssl s_client</c> with <paramref name="args"/>.</summary>
    internal static async Task<string> ServedAsync(int port, params string[] args)
    {
        var (_, output) = await OpenSsl.SClientAsync(port, "QUIT\n", args);
        var m = Subject().Match(output);
        Assert.True(m.Success, output);
        return m.Groups[1].Value;
    }

    public void Dispose() => _tls.Dispose();

    [GeneratedRegex(@"250 OK id=(\S+)")]
    private static partial Regex IdReply();

    [GeneratedRegex(@"subject=\s*CN\s*=\s*(\S+)")]
    private static partial Regex Subject();
}
