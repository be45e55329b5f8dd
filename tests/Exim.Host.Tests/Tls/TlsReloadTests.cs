using System.Collections.Concurrent;
using Exim.TestKit;

namespace Exim.Host.Tests.Tls;

/// <summary>
/// Certificates change without a restart: certbot's layout (live/ symbolic links into archive/, switched by rename on
/// renewal) and a file rewritten in place are both picked up after the watcher's quiet period; a bad new certificate is
/// refused with the file and the reason in the main and panic logs while the old one keeps serving; SIGHUP reads the
/// configuration and the certificates afresh; and rotating under load fails no handshake.
/// </summary>
public sealed class TlsReloadTests : IDisposable
{
    private readonly TlsFixture _tls = new();
    private int _renewals;

    /// <summary>certbot's layout: <c>live/mx/{fullchain,privkey}.pem</c> linking to <c>archive/mx/{fullchain,privkey}N.pem</c>.</summary>
    private (string Certificate, string Key) Live => (Path.Combine(_tls.Directory, "live", "mx", "fullchain.pem"), Path.Combine(_tls.Directory, "live", "mx", "privkey.pem"));

    /// <summary>Issues a certificate for <paramref name="name"/> into archive/ and switches the live/ links to it, as certbot renew does.</summary>
    private void Renew(string name)
    {
        var n = Interlocked.Increment(ref _renewals);
        var issued = _tls.Certificates.Issue($"issued{n}", [name, "mx.test.example"], chain: true);
        var archive = Directory.CreateDirectory(Path.Combine(_tls.Directory, "archive", "mx")).FullName;
        var live = Directory.CreateDirectory(Path.Combine(_tls.Directory, "live", "mx")).FullName;
        File.Move(issued.CertificatePath, Path.Combine(archive, $"fullchain{n}.pem"));
        File.Move(issued.KeyPath, Path.Combine(archive, $"privkey{n}.pem"));
        foreach (var (link, target) in new[] { ("fullchain.pem", $"fullchain{n}.pem"), ("privkey.pem", $"privkey{n}.pem") })
        {
            var temporary = Path.Combine(live, link + ".new");
            File.CreateSymbolicLink(temporary, Path.Combine("..", "..", "archive", "mx", target));
            File.Move(temporary, Path.Combine(live, link), overwrite: true); // rename(2) over the old link
        }
    }

    private string Config(int smtp) => TlsDaemonTests.Config(smtp, TlsDaemonTests.FreePort(), $"tls_certificate = \"{Live.Certificate}\"\ntls_privatekey = \"{Live.Key}\"");

    [Fact]
    public async Task CertbotRenewal_IsServedWithoutARestart()
    {
        Renew("first.example");
        var smtp = TlsDaemonTests.FreePort();
        await using var d = await TestDaemon.StartAsync(Config(smtp));
        Assert.Equal("first.example", await TlsDaemonTests.ServedAsync(smtp, "-starttls", "smtp"));

        Renew("second.example");

        await d.WaitForLogAsync("configuration reloaded (TLS certificate file change): generation 1 -> 2");
        Assert.Equal("second.example", await TlsDaemonTests.ServedAsync(smtp, "-starttls", "smtp"));
    }

    [Fact]
    public async Task BadCertificateWrittenInPlace_IsRefusedAndLogged_AndTheOldOneKeepsServing()
    {
        var good = _tls.Certificates.Issue("inplace", ["old.example"]);
        var smtp = TlsDaemonTests.FreePort();
        await using var d = await TestDaemon.StartAsync(TlsDaemonTests.Config(smtp, TlsDaemonTests.FreePort(), TlsDaemonTests.Pair(good)));
        Assert.Equal("old.example", await TlsDaemonTests.ServedAsync(smtp, "-starttls", "smtp"));

        // The wrong key for the new certificate.
        _tls.Certificates.Issue("inplace", ["wrongkey.example"], wrongKey: true);
        await d.WaitForPanicLogAsync($"tls_privatekey: the key in {good.KeyPath} does not match the certificate in {good.CertificatePath}");
        await d.WaitForLogAsync("reload (TLS certificate file change) rejected with 1 error(s): generation 1 stays in force");
        Assert.Equal("old.example", await TlsDaemonTests.ServedAsync(smtp, "-starttls", "smtp"));

        // An expired one.
        _tls.Certificates.Issue("inplace", ["expired.example"], notBefore: DateTimeOffset.UtcNow.AddDays(-30), notAfter: DateTimeOffset.UtcNow.AddDays(-1));
        await d.WaitForPanicLogAsync($"tls_certificate: the certificate in {good.CertificatePath} expired on ");
        Assert.Equal("old.example", await TlsDaemonTests.ServedAsync(smtp, "-starttls", "smtp"));

        // An unreadable one.
        File.WriteAllText(good.CertificatePath, "not a certificate\n");
        await d.WaitForPanicLogAsync($"tls_certificate: no PEM certificate in {good.CertificatePath}");
        Assert.Equal("old.example", await TlsDaemonTests.ServedAsync(smtp, "-starttls", "smtp"));

        // And a good one at last.
        _tls.Certificates.Issue("inplace", ["new.example"]);
        await d.WaitForLogAsync("configuration reloaded (TLS certificate file change): generation 1 -> 2");
        Assert.Equal("new.example", await TlsDaemonTests.ServedAsync(smtp, "-starttls", "smtp"));
    }

    [Fact]
    public async Task Sighup_ReadsTheCertificateAfresh_AndASessionInProgressKeepsItsTls()
    {
        var first = _tls.Certificates.Issue("one", ["one.example"]);
        var second = _tls.Certificates.Issue("two", ["two.example"]);
        var smtp = TlsDaemonTests.FreePort();
        var smtps = TlsDaemonTests.FreePort();
        await using var d = await TestDaemon.StartAsync(TlsDaemonTests.Config(smtp, smtps, TlsDaemonTests.Pair(first)));
        var (c, _) = await SmtpTestClient.OpenAsync(smtp);
        await using var client = c;
        await client.CommandAsync("EHLO client.example");
        await client.CommandAsync("STARTTLS");
        await client.StartTlsAsync("mx.test.example");

        File.WriteAllText(d.ConfigPath, TlsDaemonTests.Config(smtp, smtps, TlsDaemonTests.Pair(second)));
        d.Process.Signal(Signals.SIGHUP);
        await d.WaitForLogAsync("configuration reloaded (SIGHUP): generation 1 -> 2");

        Assert.Equal("two.example", await TlsDaemonTests.ServedAsync(smtp, "-starttls", "smtp"));
        Assert.Equal("two.example", await TlsDaemonTests.ServedAsync(smtps));
        await client.CommandAsync("EHLO client.example");
        Assert.StartsWith("250 OK id=", await client.SendMessageAsync("alice@example.org", "bob@test.example", "hello"), StringComparison.Ordinal);
        Assert.Contains("CN=one.example", client.Tls!.RemoteCertificate!.Subject, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rotation_UnderLoad_FailsNoHandshake()
    {
        Renew("rotation0.example");
        var smtp = TlsDaemonTests.FreePort();
        await using var d = await TestDaemon.StartAsync(Config(smtp));
        var failures = new ConcurrentQueue<string>();
        var served = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var handshakes = 0;
        using var stop = new CancellationTokenSource();

        async Task ClientLoopAsync()
        {
            for (var i = 0; i < 5000 && !stop.IsCancellationRequested; i++)
            {
                try
                {
                    var (c, greeting) = await SmtpTestClient.OpenAsync(smtp);
                    await using var client = c;
                    if (!greeting.StartsWith("220 ", StringComparison.Ordinal)) throw new InvalidOperationException("greeting: " + greeting);
                    await client.CommandAsync("EHLO load.example");
                    var go = await client.CommandAsync("STARTTLS");
                    if (go != "220 TLS go ahead") throw new InvalidOperationException("STARTTLS: " + go);
                    await client.StartTlsAsync("mx.test.example");
                    served.AddOrUpdate(client.Tls!.RemoteCertificate!.Subject, 1, (_, n) => n + 1);
                    var quit = await client.CommandAsync("QUIT");
                    if (!quit.StartsWith("221 ", StringComparison.Ordinal)) throw new InvalidOperationException("QUIT: " + quit);
                    Interlocked.Increment(ref handshakes);
                }
                catch (Exception e)
                {
                    failures.Enqueue($"{e.GetType().Name}: {e.Message}");
                }
            }
        }

        var clients = Enumerable.Range(0, 8).Select(_ => Task.Run(ClientLoopAsync)).ToArray();
        for (var generation = 2; generation <= 4; generation++)
        {
            Renew($"rotation{generation - 1}.example");
            await d.WaitForLogAsync($"configuration reloaded (TLS certificate file change): generation {generation - 1} -> {generation}");
            var before = Volatile.Read(ref handshakes);
            await Wait.UntilOrFailAsync(() => Volatile.Read(ref handshakes) > before + 16, TestTimeouts.Default, () => "no handshakes after a rotation");
        }
        await stop.CancelAsync();
        await Task.WhenAll(clients).WaitAsync(TestTimeouts.Default);

        Assert.True(failures.IsEmpty, $"{failures.Count} failed of {handshakes + failures.Count}: {string.Join("; ", failures.Take(5))}");
        Assert.Contains("CN=rotation3.example", served.Keys);
        Assert.True(served.Count >= 2, string.Join(", ", served.Keys));
    }

    public void Dispose() => _tls.Dispose();
}
