using System.Net.Security;
using System.Security.Authentication;
using Exim.Abstractions.Config;
using Exim.Host.Configuration;
using Exim.Host.Generations;
using Exim.Host.Tests.Smtp;
using Exim.Host.Tests.Hints;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Exim.Host.Tests.Tls;

/// <summary>
/// The TLS options: errors with the file, line and column (cipher names, the protocol, pairs, TLS ports without a
/// certificate) when the file is read; certificate errors naming the file and the reason when the generation is built;
/// and tls_require_ciphers and tls_min_protocol applied to real handshakes.
/// </summary>
public sealed class TlsConfigTests : IDisposable
{
    private readonly TlsFixture _tls = new();

    private string ConfigPath => Path.Combine(_tls.Directory, "exim.toml");

    private static string Errors(ConfigLoadResult r) => string.Join("\n", r.Errors);

    [Fact]
    public void Load_UnknownCipherName_IsAnErrorAtItsLine()
    {
        var result = TomlConfigLoader.Parse("primary_hostname = \"mx.test.example\"\ntls_require_ciphers = \"TLS_AES_256_GCM_SHA384:HIGH\"\n", ConfigPath);

        Assert.Contains($"{ConfigPath}:2:1: invalid value for \"tls_require_ciphers\": unknown cipher suite \"HIGH\"", Errors(result), StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UnknownCipherName_InAnSmtpTransport_IsAnErrorAtItsLine()
    {
        var result = TomlConfigLoader.Parse("""
            primary_hostname = "mx.test.example"

            [[transports]]
            name = "remote_smtp"
            driver = "smtp"
            tls_require_ciphers = "ECDHE-RSA-AES256-GCM-SHA384:!aNULL"
            """, ConfigPath);

        var expected = $"{ConfigPath}:6:1: invalid value for \"tls_require_ciphers\" in transports \"remote_smtp\": unknown cipher suite \"!aNULL\"";
        var errors = Configuration.TransportBuild.Errors(result);
        Assert.True(errors.Contains(expected, StringComparison.Ordinal), errors);
    }

    [Fact]
    public void Load_BadProtocol_UnpairedKeys_AndTlsPortsWithoutCertificate_AreErrors()
    {
        var result = TomlConfigLoader.Parse("""
            tls_min_protocol = "TLS1.1"
            tls_privatekey = ["a.key"]
            tls_on_connect_ports = [465]
            """, ConfigPath);

        var errors = Errors(result);
        Assert.Contains($"{ConfigPath}:1:1: invalid value for \"tls_min_protocol\": \"TLS1.1\" (expected \"TLS1.2\" or \"TLS1.3\")", errors, StringComparison.Ordinal);
        Assert.Contains($"{ConfigPath}:2:1: tls_privatekey names 1 file(s) but tls_certificate names 0: they pair by position", errors, StringComparison.Ordinal);
        Assert.Contains($"{ConfigPath}:3:1: tls_on_connect_ports is set but tls_certificate is not", errors, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_IanaAndOpenSslNames_AndRelativePaths_AreAccepted()
    {
        var result = TomlConfigLoader.Parse("""
            tls_certificate = "certs/server.crt"
            tls_require_ciphers = "TLS_AES_128_GCM_SHA256:ECDHE-ECDSA-AES128-GCM-SHA256"
            """, ConfigPath);

        Assert.True(result.Succeeded, Errors(result));
        Assert.Equal(Path.Combine(_tls.Directory, "certs", "server.crt"), Assert.Single(result.Config!.Config.Main.TlsCertificate));
    }

    [Fact]
    public async Task Build_KeyOfAnotherCertificate_IsRefusedNamingTheFiles()
    {
        var wrong = _tls.Certificates.Issue("wrong", ["mx.test.example"], wrongKey: true);
        var errors = await BuildErrorsAsync($"local_interfaces = [\"127.0.0.1\"]\ntls_certificate = \"{wrong.CertificatePath}\"\ntls_privatekey = \"{wrong.KeyPath}\"\n");

        Assert.Contains($"{ConfigPath}:3:1: tls_privatekey: the key in {wrong.KeyPath} does not match the certificate in {wrong.CertificatePath}", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Build_MissingCertificate_IsRefusedNamingTheFile()
    {
        var good = _tls.Certificates.Issue("good", ["mx.test.example"]);
        var missing = Path.Combine(_tls.Directory, "missing.crt");
        var errors = await BuildErrorsAsync($"local_interfaces = [\"127.0.0.1\"]\ntls_certificate = [\"{good.CertificatePath}\", \"{missing}\"]\ntls_privatekey = [\"{good.KeyPath}\", \"{good.KeyPath}\"]\n");

        Assert.Contains($"{ConfigPath}:2:1: tls_certificate: cannot read {missing}: ", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Build_ExpiredCertificate_IsServedWithAWarningWhenNothingBetterIs_RefusedOverAValidOne()
    {
        var expired = _tls.Certificates.Issue("expired", ["mx.test.example"], notBefore: DateTimeOffset.UtcNow.AddDays(-10), notAfter: DateTimeOffset.UtcNow.AddDays(-2));
        File.WriteAllText(ConfigPath, $"local_interfaces = [\"127.0.0.1\"]\ntls_certificate = \"{expired.CertificatePath}\"\ntls_privatekey = \"{expired.KeyPath}\"\n");
        var loaded = TomlConfigLoader.Load(ConfigPath);
        Assert.True(loaded.Succeeded, Errors(loaded));
        var log = new LinesLogger();
        var builder = new GenerationBuilder(new OneLoggerFactory(log)) { ServerTls = true };

        // At start-up (and over a certificate that has expired too) refusing it would stop all mail: Exim serves it.
        var first = await builder.BuildAsync(loaded.Config!);
        Assert.True(first.Succeeded, string.Join("\n", first.Errors));
        var warning = Assert.Single(log.Lines);
        Assert.Equal(LogLevel.Error, warning.Level);
        Assert.StartsWith($"tls_certificate: the certificate in {expired.CertificatePath} expired on ", warning.Text, StringComparison.Ordinal);
        Assert.EndsWith("; served, since no valid certificate is being served in its place", warning.Text, StringComparison.Ordinal);
        Assert.True((await builder.BuildAsync(loaded.Config!, first.Generation)).Succeeded);

        // Over a valid one, it is refused and the valid one keeps serving.
        var valid = _tls.Certificates.Issue("valid", ["mx.test.example"]);
        File.Copy(valid.CertificatePath, expired.CertificatePath, overwrite: true);
        File.Copy(valid.KeyPath, expired.KeyPath, overwrite: true);
        var serving = await builder.BuildAsync(loaded.Config!);
        Assert.True(serving.Succeeded);
        _tls.Certificates.Issue("expired", ["mx.test.example"], notBefore: DateTimeOffset.UtcNow.AddDays(-10), notAfter: DateTimeOffset.UtcNow.AddDays(-2));
        var refused = await builder.BuildAsync(loaded.Config!, serving.Generation);
        Assert.False(refused.Succeeded);
        Assert.Contains($"{ConfigPath}:2:1: tls_certificate: the certificate in {expired.CertificatePath} expired on ", string.Join("\n", refused.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Handshake_TlsRequireCiphersAndTls12_NegotiatesTheNamedSuite()
    {
        // Exim's default log_selector (no +tls_sni): the <= line has no SNI= although the client sent one.
        var main = _tls.With(new MainOptions { SmtpEnforceSync = false, TlsRequireCiphers = "ECDHE-ECDSA-AES128-GCM-SHA256:TLS_AES_128_GCM_SHA256", LogSelector = "+smtp_connection" });
        await using var s = await InProcessSession.StartAsync(main, tls: TlsFixture.Load(main));
        await s.Client.CommandAsync("EHLO client.example");
        await s.Client.CommandAsync("STARTTLS");

        await s.Client.StartTlsAsync("mx.test.example", protocols: SslProtocols.Tls12);
        await s.Client.CommandAsync("EHLO client.example");
        var reply = await s.Client.SendMessageAsync("alice@example.org", "bob@test.example", "hello");

        Assert.StartsWith("250 OK id=", reply, StringComparison.Ordinal);
        Assert.Equal(TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, s.Client.Tls!.NegotiatedCipherSuite);
        Assert.True(s.Logged(" P=esmtps X=TLS1.2:ECDHE-ECDSA-AES128-GCM-SHA256:128 CV=no S="), string.Join("\n", s.Log));
        // Received shows $tls_in_cipher_std (the IANA name); the spool's -tls_cipher keeps tls_in.cipher, OpenSSL's as X=.
        var header = await File.ReadAllTextAsync(Path.Combine(s.InputDirectory, reply["250 OK id=".Length..] + "-H"));
        Assert.Contains(" with esmtps  (TLS1.2) tls TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256\n\t(Exim 4.96)", header, StringComparison.Ordinal);
        Assert.Contains("\n-tls_cipher TLS1.2:ECDHE-ECDSA-AES128-GCM-SHA256:128\n", header, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Handshake_Tls12WhenTls13IsTheMinimum_IsRefused()
    {
        var main = _tls.With(new MainOptions { SmtpEnforceSync = false, TlsMinProtocol = "TLS1.3" });
        await using var s = await InProcessSession.StartAsync(main, tls: TlsFixture.Load(main));
        await s.Client.CommandAsync("EHLO client.example");
        await s.Client.CommandAsync("STARTTLS");

        await Assert.ThrowsAnyAsync<Exception>(() => s.Client.StartTlsAsync("mx.test.example", protocols: SslProtocols.Tls12));
        await Exim.TestKit.Wait.UntilOrFailAsync(() => s.Logged("TLS error on connection from (client.example) [127.0.0.1] (SSL_accept): "),
            Exim.TestKit.TestTimeouts.Default, () => string.Join("\n", s.Log));
    }

    private async Task<string> BuildErrorsAsync(string text)
    {
        File.WriteAllText(ConfigPath, text);
        var loaded = TomlConfigLoader.Load(ConfigPath);
        Assert.True(loaded.Succeeded, Errors(loaded));
        // Only the daemon's generations read certificates: a queue runner or -bt must not fail for them.
        Assert.True((await new GenerationBuilder(NullLoggerFactory.Instance).BuildAsync(loaded.Config!)).Succeeded);
        var built = await new GenerationBuilder(NullLoggerFactory.Instance) { ServerTls = true }.BuildAsync(loaded.Config!);
        Assert.False(built.Succeeded);
        return string.Join("\n", built.Errors);
    }

    public void Dispose() => _tls.Dispose();
}
