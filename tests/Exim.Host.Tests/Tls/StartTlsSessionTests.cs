using System.Security.Authentication;
using Exim.Abstractions.Config;
using Exim.Abstractions.Policy;
using Exim.Abstractions.Scripting;
using Exim.Host.Tests.Smtp;
using Exim.Mail.Smtp.Policy;
using Exim.TestKit;

namespace Exim.Host.Tests.Tls;

/// <summary>
/// STARTTLS in the real session over a loopback socket, in process, with a real .NET TLS client: what EHLO offers,
/// Exim's replies, the state reset after the handshake, the discarding of pipelined plaintext (CVE-2011-0411), the
/// handshake timeout on a fake clock, client certificates, and the fields the log, the Received header and the hooks see.
/// </summary>
public sealed class StartTlsSessionTests : IDisposable
{
    private readonly TlsFixture _tls = new();

    private static readonly MainOptions Base = new() { SmtpEnforceSync = false, SmtpPremailTimeout = TimeSpan.Zero };

    private Task<InProcessSession> StartAsync(MainOptions main, PolicyServices? policies = null)
    {
        main = _tls.With(main);
        return InProcessSession.StartAsync(main, policies: policies, tls: TlsFixture.Load(main));
    }

    [Fact]
    public async Task Ehlo_WithACertificate_OffersStartTls_AndNotOnceEncrypted()
    {
        await using var s = await StartAsync(Base);

        var before = await s.Client.CommandAsync("EHLO client.example");
        Assert.Contains("250-PIPELINING\n250-STARTTLS\n250 HELP", before, StringComparison.Ordinal);
        Assert.Equal("220 TLS go ahead", await s.Client.CommandAsync("STARTTLS"));
        await s.Client.StartTlsAsync("mx.test.example");
        var after = await s.Client.CommandAsync("EHLO client.example");
        Assert.StartsWith("250-mx.test.example Hello client.example", after, StringComparison.Ordinal);
        Assert.DoesNotContain("STARTTLS", after, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ehlo_WithoutACertificate_DoesNotOfferStartTls_AndStartTlsIs503()
    {
        await using var s = await InProcessSession.StartAsync(Base);

        Assert.DoesNotContain("STARTTLS", await s.Client.CommandAsync("EHLO client.example"), StringComparison.Ordinal);
        Assert.Equal("503 STARTTLS command used when not advertised", await s.Client.CommandAsync("STARTTLS"));
        Assert.True(s.Logged("SMTP protocol error in \"STARTTLS\" H=(client.example) [127.0.0.1] STARTTLS command used when not advertised"));
    }

    [Fact]
    public async Task Ehlo_ClientNotInTlsAdvertiseHosts_IsNotOfferedStartTls()
    {
        await using var s = await StartAsync(Base with { TlsAdvertiseHosts = ["192.0.2.1"] });

        Assert.DoesNotContain("STARTTLS", await s.Client.CommandAsync("EHLO client.example"), StringComparison.Ordinal);
        Assert.Equal("503 STARTTLS command used when not advertised", await s.Client.CommandAsync("STARTTLS"));
    }

    [Fact]
    public async Task StartTls_WithAnArgument_Is501_AndBeforeEhlo503()
    {
        await using var s = await StartAsync(Base);

        Assert.Equal("503 STARTTLS command used when not advertised", await s.Client.CommandAsync("STARTTLS"));
        await s.Client.CommandAsync("EHLO client.example");
        Assert.Equal("501 unexpected argument data", await s.Client.CommandAsync("STARTTLS now"));
        Assert.True(s.Logged("SMTP syntax error in \"STARTTLS now\" H=(client.example) [127.0.0.1] unexpected argument data"));
    }

    [Fact]
    public async Task StartTls_ThenMessage_ForgetsHelo_AndLogsAndStampsTheTlsFields()
    {
        await using var s = await StartAsync(Base);
        await s.Client.CommandAsync("EHLO before.example");
        Assert.Equal("250 OK", await s.Client.CommandAsync("MAIL FROM:<alice@example.org>"));

        Assert.Equal("220 TLS go ahead", await s.Client.CommandAsync("STARTTLS"));
        await s.Client.StartTlsAsync("mx.test.example");
        // The transaction begun in clear is gone (an implied RSET).
        Assert.Equal("503 sender not yet given", await s.Client.CommandAsync("RCPT TO:<bob@test.example>"));
        await s.Client.CommandAsync("EHLO after.example");
        var reply = await s.Client.SendMessageAsync("alice@example.org", "bob@test.example", "Subject: t\n\nhello");

        Assert.StartsWith("250 OK id=", reply, StringComparison.Ordinal);
        var id = reply["250 OK id=".Length..];
        var suite = s.Client.Tls!.NegotiatedCipherSuite.ToString();
        Assert.Equal(SslProtocols.Tls13, s.Client.Tls.SslProtocol);
        Assert.True(s.Logged($"{id} <= alice@example.org H=(after.example) [127.0.0.1] P=esmtps X=TLS1.3:{suite}:256 CV=no SNI=mx.test.example S="),
            string.Join("\n", s.Log));
        var header = await File.ReadAllTextAsync(Path.Combine(s.InputDirectory, id + "-H"));
        Assert.Contains($"Received: from [127.0.0.1] (helo=after.example)\n\tby mx.test.example with esmtps  (TLS1.3) tls {suite}\n\t(Exim 4.96)\n\t(envelope-from <alice@example.org>)", header, StringComparison.Ordinal);
        Assert.Contains($"\n-received_protocol esmtps\n", header, StringComparison.Ordinal);
        Assert.Contains($"\n-tls_cipher TLS1.3:{suite}:256\n-tls_sni mx.test.example\n-tls_ver TLS1.3\n", header, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartTls_CommandsPipelinedInTheSamePacket_AreDiscarded()
    {
        await using var s = await StartAsync(Base);
        await s.Client.CommandAsync("EHLO client.example");

        // The injection: plaintext sent after STARTTLS must never be read as if it had come over TLS.
        await s.Client.SendRawAsync("STARTTLS\r\nMAIL FROM:<injected@evil.example>\r\nRCPT TO:<bob@test.example>\r\n");
        Assert.Equal("220 TLS go ahead", await s.Client.ReadReplyAsync());
        await s.Client.StartTlsAsync("mx.test.example");

        Assert.StartsWith("250-mx.test.example Hello", await s.Client.CommandAsync("EHLO client.example"), StringComparison.Ordinal);
        Assert.Equal("503 sender not yet given", await s.Client.CommandAsync("RCPT TO:<bob@test.example>"));
        Assert.Equal("250 OK", await s.Client.CommandAsync("MAIL FROM:<alice@example.org>"));
    }

    [Fact]
    public async Task StartTls_PipelinedCommandsWithSyncEnforced_AreASynchronizationError()
    {
        await using var s = await StartAsync(Base with { SmtpEnforceSync = true });
        await s.Client.CommandAsync("EHLO client.example");

        await s.Client.SendRawAsync("STARTTLS\r\nMAIL FROM:<injected@evil.example>\r\n");

        Assert.Equal("554 SMTP synchronization error", await s.Client.ReadReplyAsync());
    }

    [Fact]
    public async Task StartTls_InsideTls_IsAlreadyInTls_ThenSecurityFailureUntilQuit()
    {
        await using var s = await StartAsync(Base);
        await s.Client.CommandAsync("EHLO client.example");
        await s.Client.CommandAsync("STARTTLS");
        await s.Client.StartTlsAsync("mx.test.example");

        // Exim keeps tls_advertised from the EHLO before the handshake, so this reaches tls_server_start.
        Assert.Equal("554 Already in TLS", await s.Client.CommandAsync("STARTTLS"));
        Assert.Equal("554 Security failure", await s.Client.CommandAsync("NOOP"));
        Assert.Equal("221 mx.test.example closing connection", await s.Client.CommandAsync("QUIT"));
        Assert.True(s.Logged("TLS error on connection from [127.0.0.1] (STARTTLS received after TLS started): "));
    }

    [Fact]
    public async Task Handshake_ClientSilentForSmtpReceiveTimeout_TimesOutAndIsLogged()
    {
        await using var s = await StartAsync(Base with { SmtpReceiveTimeout = TimeSpan.FromSeconds(30) });
        await s.Client.CommandAsync("EHLO client.example");
        Assert.Equal("220 TLS go ahead", await s.Client.CommandAsync("STARTTLS"));

        await s.AdvanceUntilAsync(TimeSpan.FromSeconds(2),
            () => s.Logged("TLS error on connection from (client.example) [127.0.0.1] (SSL_accept): timed out"), "the handshake timeout");
        Assert.True(await s.Client.IsClosedAsync(TestTimeouts.Default));
    }

    [Fact]
    public async Task Handshake_GarbageInsteadOfAClientHello_IsLoggedAsATlsError()
    {
        await using var s = await StartAsync(Base);
        await s.Client.CommandAsync("EHLO client.example");
        Assert.Equal("220 TLS go ahead", await s.Client.CommandAsync("STARTTLS"));

        await s.Client.SendRawAsync("MAIL FROM:<not-tls@example.org>\r\n");

        await Wait.UntilOrFailAsync(() => s.Logged("TLS error on connection from (client.example) [127.0.0.1] (SSL_accept): "),
            TestTimeouts.Default, () => string.Join("\n", s.Log));
        Assert.True(await s.Client.IsClosedAsync(TestTimeouts.Default));
        Assert.DoesNotContain(s.Log, l => l.Contains("<= ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ClientCertificate_RequiredByTlsVerifyHosts_WithoutOne_IsRefused()
    {
        await using var s = await StartAsync(Base with { TlsVerifyHosts = ["127.0.0.1"], TlsVerifyCertificates = _tls.Certificates.CaPath });
        await s.Client.CommandAsync("EHLO client.example");
        await s.Client.CommandAsync("STARTTLS");

        // TLS 1.3 finishes on the client's side before the server has looked at the (missing) certificate, so the
        // client may or may not see the failure itself; the server refuses the session either way.
        try
        {
            await s.Client.StartTlsAsync("mx.test.example");
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
        }

        await Wait.UntilOrFailAsync(() => s.Logged("TLS error on connection from (client.example) [127.0.0.1] (SSL_accept): peer did not return a certificate"),
            TestTimeouts.Default, () => string.Join("\n", s.Log));
    }

    [Fact]
    public async Task ClientCertificate_RequiredAndSent_IsVerified_CvYes_AndHooksSeeIt()
    {
        var clientCert = _tls.Certificates.Issue("client", ["client.example"], client: true);
        using var withKey = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(clientCert.CertificatePath, clientCert.KeyPath);
        var seen = new SeenConnection();
        await using var s = await StartAsync(Base with { TlsVerifyHosts = ["127.0.0.1"], TlsVerifyCertificates = _tls.Certificates.CaPath },
            new PolicyServices(seen));
        await EncryptAsync(s, withKey);

        var reply = await s.Client.SendMessageAsync("alice@example.org", "bob@test.example", "hello");

        Assert.StartsWith("250 OK id=", reply, StringComparison.Ordinal);
        Assert.True(s.Logged(" CV=yes SNI=mx.test.example S="), string.Join("\n", s.Log));
        var tls = Assert.IsType<TlsSessionInfo>(seen.Connection?.TlsSession);
        Assert.True(seen.Connection!.Tls);
        Assert.Equal("TLS1.3", tls.Protocol);
        Assert.Equal("mx.test.example", tls.Sni);
        Assert.Equal("/CN=client.example", tls.PeerSubject); // OpenSSL's X509_NAME_oneline, as $tls_in_peerdn
        Assert.True(tls.PeerVerified);
        Assert.Equal(s.Client.Tls!.NegotiatedCipherSuite.ToString(), tls.Cipher);
        var header = await File.ReadAllTextAsync(Path.Combine(s.InputDirectory, reply["250 OK id=".Length..] + "-H"));
        Assert.Contains("\n-tls_peerdn /CN=client.example\n", header, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClientCertificate_SeveralNameParts_InOpenSslsOneLineForm()
    {
        var clientCert = _tls.Certificates.Issue("client-org", ["client.example"], client: true, subject: "C=FR, O=Example Org, CN=client.example");
        using var withKey = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(clientCert.CertificatePath, clientCert.KeyPath);
        var seen = new SeenConnection();
        await using var s = await StartAsync(Base with { TlsVerifyHosts = ["127.0.0.1"], TlsVerifyCertificates = _tls.Certificates.CaPath },
            new PolicyServices(seen));
        await EncryptAsync(s, withKey);

        var reply = await s.Client.SendMessageAsync("alice@example.org", "bob@test.example", "hello");

        Assert.StartsWith("250 OK id=", reply, StringComparison.Ordinal);
        // .NET's Subject shows "CN=client.example, O=Example Org, C=FR"; X509_NAME_oneline writes the encoded order.
        Assert.Equal("/C=FR/O=Example Org/CN=client.example", seen.Connection?.TlsSession?.PeerSubject);
    }

    [Fact]
    public async Task ClientCertificate_MadeForServersOnly_IsRefused()
    {
        var serverOnly = _tls.Certificates.Issue("server-only", ["client.example"], client: false);
        using var withKey = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(serverOnly.CertificatePath, serverOnly.KeyPath);
        await using var s = await StartAsync(Base with { TlsVerifyHosts = ["127.0.0.1"], TlsVerifyCertificates = _tls.Certificates.CaPath });
        await s.Client.CommandAsync("EHLO client.example");
        await s.Client.CommandAsync("STARTTLS");

        // As without a certificate: TLS 1.3 may finish on the client's side before the server refuses.
        try
        {
            await s.Client.StartTlsAsync("mx.test.example", withKey);
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
        }

        await Wait.UntilOrFailAsync(() => s.Logged("TLS error on connection from (client.example) [127.0.0.1] (SSL_accept): certificate verify failed"),
            TestTimeouts.Default, () => string.Join("\n", s.Log));
        Assert.DoesNotContain(s.Log, l => l.Contains("<= ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ClientCertificate_TryVerify_FromAnotherCa_IsAcceptedButNotVerified()
    {
        using var otherDirectory = new TempDirectory("exim-other-ca");
        using var other = TestCertificates.Create(otherDirectory.Path, "Other CA");
        var clientCert = other.Issue("client", ["client.example"], client: true);
        using var withKey = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(clientCert.CertificatePath, clientCert.KeyPath);
        await using var s = await StartAsync(Base with { TlsTryVerifyHosts = ["127.0.0.1"], TlsVerifyCertificates = _tls.Certificates.CaPath });
        await EncryptAsync(s, withKey);

        var reply = await s.Client.SendMessageAsync("alice@example.org", "bob@test.example", "hello");

        Assert.StartsWith("250 OK id=", reply, StringComparison.Ordinal);
        Assert.True(s.Logged(" CV=no SNI=mx.test.example S="), string.Join("\n", s.Log));
    }

    /// <summary>EHLO, STARTTLS, the handshake (sending <paramref name="clientCertificate"/> if asked), EHLO again.</summary>
    private static async Task EncryptAsync(InProcessSession s, System.Security.Cryptography.X509Certificates.X509Certificate2? clientCertificate = null)
    {
        await s.Client.CommandAsync("EHLO client.example");
        Assert.Equal("220 TLS go ahead", await s.Client.CommandAsync("STARTTLS"));
        await s.Client.StartTlsAsync("mx.test.example", clientCertificate);
        await s.Client.CommandAsync("EHLO client.example");
    }

    public void Dispose() => _tls.Dispose();

    /// <summary>A stage policy that remembers the connection as policies and scripts see it at MAIL.</summary>
    private sealed class SeenConnection : IStagePolicies
    {
        public AcceptConnection? Connection { get; private set; }

        public bool Handles(SmtpStage stage) => stage == SmtpStage.Mail;

        public ValueTask<Verdict> DecideAsync(PolicySession session)
        {
            Connection = session.Connection.Description; // what PolicyStageContext.Connection hands scripts
            return ValueTask.FromResult(Verdict.Accept);
        }
    }
}
