using System.Text;
using Exim.TestKit;

namespace Exim.Host.Tests.Transports;

/// <summary>
/// The smtp transport's TLS and AUTH as a client, with real peers: daemon A on 127.0.0.2 queues each message and
/// <c>exim -M</c> delivers it to scripted SMTP servers on 127.0.0.1 that speak STARTTLS over .NET's SslStream with
/// certificates the tests make (a test CA's, another CA's, a broken TLS stack) and AUTH PLAIN/LOGIN. Each domain is
/// routed to one server through a transport with the options under test.
/// </summary>
public sealed class SmtpTlsClientTests(SmtpTlsClientTests.Fixture f) : IClassFixture<SmtpTlsClientTests.Fixture>
{
    private const string User = "relayuser";
    private const string Password = "s3cret pass";

    public sealed class Fixture : IAsyncLifetime
    {
        private readonly TempDirectory _certs = new("exim-tls-client");
        private TestCertificates _ca = null!;
        private TestCertificates _otherCa = null!;

        public TestDaemon A { get; private set; } = null!;
        public ScriptedSmtpServer Good { get; private set; } = null!;
        public ScriptedSmtpServer WrongName { get; private set; } = null!;
        public ScriptedSmtpServer Untrusted { get; private set; } = null!;
        public ScriptedSmtpServer NoTls { get; private set; } = null!;
        public ScriptedSmtpServer Broken { get; private set; } = null!;
        public ScriptedSmtpServer Smarthost { get; private set; } = null!;
        public ScriptedSmtpServer LoginOnly { get; private set; } = null!;
        public ScriptedSmtpServer AsksCertificate { get; private set; } = null!;
        public ScriptedSmtpServer Tls12 { get; private set; } = null!;
        public ScriptedSmtpServer Silent { get; private set; } = null!;
        public ScriptedSmtpServer Injecting { get; private set; } = null!;

        /// <summary>Offers AUTH behind a certificate of another CA: a man in the middle, as the transport sees it.</summary>
        public ScriptedSmtpServer Impostor { get; private set; } = null!;

        /// <summary>Offers STARTTLS but answers it 454.</summary>
        public ScriptedSmtpServer RefusesTls { get; } = new(c => c.ToUpperInvariant() switch
        {
            var e when e.StartsWith("EHLO", StringComparison.Ordinal) => "250-fake.test\r\n250-STARTTLS\r\n250 PIPELINING",
            "STARTTLS" => "454 4.7.0 TLS not available due to local problem",
            _ => ScriptedSmtpServer.Answers()(c),
        });
        public string CaPath => _ca.CaPath;

        public async Task InitializeAsync()
        {
            _ca = TestCertificates.Create(_certs.Combine("ca"));
            _otherCa = TestCertificates.Create(_certs.Combine("other"), "Some Other CA");
            var good = ScriptedSmtpServer.LoadCertificate(_ca.Issue("server", ["mx.tls.test", "127.0.0.1"]));
            var wrongName = ScriptedSmtpServer.LoadCertificate(_ca.Issue("wrongname", ["other.example"]));
            var untrusted = ScriptedSmtpServer.LoadCertificate(_otherCa.Issue("untrusted", ["127.0.0.1"]));
            var client = _ca.Issue("client", ["client.tls.test"], client: true);
            Good = new(ScriptedSmtpServer.Answers(), new(good));
            WrongName = new(ScriptedSmtpServer.Answers(), new(wrongName));
            Untrusted = new(ScriptedSmtpServer.Answers(), new(untrusted));
            NoTls = new(ScriptedSmtpServer.Answers());
            Broken = new(ScriptedSmtpServer.Answers(), new(null, ScriptedSmtpServer.HandshakeFault.NotTls));
            Silent = new(ScriptedSmtpServer.Answers(), new(null, ScriptedSmtpServer.HandshakeFault.Silent));
            Injecting = new(ScriptedSmtpServer.Answers(), new(null, ScriptedSmtpServer.HandshakeFault.DataBeforeHandshake));
            Smarthost = new(ScriptedSmtpServer.Answers(), new(good, User: User, Password: Password));
            Impostor = new(ScriptedSmtpServer.Answers(), new(untrusted, User: User, Password: Password));
            LoginOnly = new(ScriptedSmtpServer.Answers(), new(good, User: User, Password: Password, Mechanisms: "LOGIN"));
            AsksCertificate = new(ScriptedSmtpServer.Answers(), new(good, AskClientCertificate: true));
            Tls12 = new(ScriptedSmtpServer.Answers(), new(good, Protocols: System.Security.Authentication.SslProtocols.Tls12));
            var credentials = _certs.Write("passwd", $"# host user password\nother.example nobody nothing\n127.0.0.1 {User} {Password}\n");

            var routes = new StringBuilder();
            var transports = new StringBuilder();
            void Route(string domain, ScriptedSmtpServer server, string transport, string options = "", string host = "127.0.0.1")
            {
                var name = domain.Replace('.', '_').Replace('-', '_');
                routes.Append($$"""

                    [[routers]]
                    name = "{{name}}"
                    driver = "manualroute"
                    route_list = ["{{domain}} {{host}}::{{server.Port}} byname"]
                    transport = "{{transport}}"

                    """);
                if (options.Length > 0 || transport == name)
                {
                    transports.Append($$"""

                        [[transports]]
                        name = "{{transport}}"
                        driver = "smtp"
                        {{options}}

                        """);
                }
            }
            var ca = $"tls_verify_certificates = \"{_ca.CaPath}\"";
            Route("opportunistic.example", Good, "opportunistic_example");
            Route("verified.example", Good, "verified_example", ca);
            Route("wrongname.example", WrongName, "wrongname_example", ca);
            Route("untrusted-try.example", Untrusted, "untrusted_try_example", ca);
            Route("untrusted-verify.example", Untrusted, "untrusted_verify_example", $"{ca}\ntls_verify_hosts = [\"*\"]\ntls_tempfail_tryclear = false");
            Route("untrusted-fallback.example", Untrusted, "untrusted_fallback_example", $"{ca}\ntls_verify_hosts = [\"*\"]");
            Route("require-notls.example", NoTls, "require_notls_example", "hosts_require_tls = [\"127.0.0.1\"]");
            Route("broken.example", Broken, "broken_example");
            Route("broken-require.example", Broken, "broken_require_example", "hosts_require_tls = [\"*\"]");
            Route("broken-noclear.example", Broken, "broken_noclear_example", "tls_tempfail_tryclear = false");
            Route("refused.example", RefusesTls, "refused_example");
            Route("refused-require.example", RefusesTls, "refused_require_example", "hosts_require_tls = [\"*\"]");
            Route("refused-noclear.example", RefusesTls, "refused_noclear_example", "tls_tempfail_tryclear = false");
            Route("tls12.example", Tls12, "tls12_example", ca);
            Route("silent.example", Silent, "silent_example", "command_timeout = \"2s\"\nhosts_require_tls = [\"*\"]");
            Route("injecting.example", Injecting, "injecting_example", "hosts_require_tls = [\"*\"]");
            // One transport, two names for one address: TLS avoided for the address literal, required for "localhost".
            var byName = "hosts_avoid_tls = [\"!localhost\", \"*\"]\nhosts_require_tls = [\"localhost\"]";
            Route("literal.example", Good, "by_name", byName);
            Route("named.example", Good, "by_name", host: "localhost");
            Route("avoid.example", Good, "avoid_example", "hosts_avoid_tls = [\"127.0.0.1\"]");
            Route("plain.example", Smarthost, "plain_example", $"{ca}\nhosts_require_auth = [\"*\"]\nauth_username = \"{User}\"\nauth_password = \"{Password}\"");
            Route("login.example", LoginOnly, "login_example", $"{ca}\nhosts_require_auth = [\"*\"]\nauth_username = \"{User}\"\nauth_password = \"{Password}\"");
            Route("file.example", Smarthost, "file_example", $"{ca}\nhosts_try_auth = [\"*\"]\nauth_username = \"{User}\"\nauth_password = \"wrong\"\nauth_credentials_file = \"{credentials}\"");
            Route("badpass.example", Smarthost, "badpass_example", $"{ca}\nhosts_require_auth = [\"*\"]\nauth_username = \"{User}\"\nauth_password = \"wrong\"");
            Route("trybad.example", Smarthost, "trybad_example", $"{ca}\nhosts_try_auth = [\"*\"]\nauth_username = \"{User}\"\nauth_password = \"wrong\"");
            Route("noauth.example", Good, "noauth_example", $"hosts_require_auth = [\"*\"]\nauth_username = \"{User}\"\nauth_password = \"{Password}\"");
            Route("impostor-require.example", Impostor, "impostor_require_example", $"{ca}\nhosts_require_auth = [\"*\"]\nauth_username = \"{User}\"\nauth_password = \"{Password}\"");
            Route("impostor-try.example", Impostor, "impostor_try_example", $"{ca}\nhosts_try_auth = [\"*\"]\nauth_username = \"{User}\"\nauth_password = \"{Password}\"");
            Route("clear-require.example", Smarthost, "clear_require_example", $"hosts_avoid_tls = [\"*\"]\nhosts_require_auth = [\"*\"]\nauth_username = \"{User}\"\nauth_password = \"{Password}\"");
            Route("clear-try.example", Smarthost, "clear_try_example", $"hosts_avoid_tls = [\"*\"]\nhosts_try_auth = [\"*\"]\nauth_username = \"{User}\"\nauth_password = \"{Password}\"");
            Route("clientcert.example", AsksCertificate, "clientcert_example", $"tls_certificate = \"{client.CertificatePath}\"\ntls_privatekey = \"{client.KeyPath}\"\ntls_sni = \"mail.sni.test\"");

            A = await TestDaemon.StartAsync($$"""
                spool_directory = "spool"
                primary_hostname = "a.tls.test"
                local_interfaces = ["127.0.0.2"]
                daemon_smtp_ports = [0]
                local_domains = ["a.example"]
                relay_from_hosts = ["127.0.0.0/8"]
                queue_only = true
                {{routes}}
                {{transports}}

                [plugins.daemon]
                assembly = "{{RepoPaths.Plugin("daemon", "Exim.Plugins.Daemon.dll")}}"

                [plugins.gethostbyname-resolver]
                assembly = "{{RepoPaths.Plugin("gethostbyname-resolver", "Exim.Plugins.GetHostByNameResolver.dll")}}"
                """);
        }

        /// <summary>Queues a message for <paramref name="to"/> on daemon A and returns its id.</summary>
        public async Task<string> QueueAsync(string to)
        {
            await using var client = await SmtpTestClient.ConnectAsync(A.PortsOn("127.0.0.2")[0], host: "127.0.0.2");
            Assert.StartsWith("220", await client.ReadReplyAsync());
            Assert.StartsWith("250", await client.CommandAsync("EHLO client.test"));
            var reply = await client.SendMessageAsync("alice@a.example", to, $"Subject: tls\n\nfor {to}");
            Assert.StartsWith("250", reply);
            await client.CommandAsync("QUIT");
            return reply["250 OK id=".Length..];
        }

        /// <summary>Queues a message for <paramref name="to"/> and delivers it with <c>exim -M</c>; returns its id.</summary>
        public async Task<string> SendAndDeliverAsync(string to)
        {
            var id = await QueueAsync(to);
            var (code, stdout, stderr) = await EximProcess.RunAsync(A.Directory.Path, "-C", A.ConfigPath, "-M", id);
            Assert.True(code is 0 or 1, stdout + stderr);
            return id;
        }

        public string[] Lines(string id) => [.. A.MainLog.Split('\n').Where(l => l.Contains(id, StringComparison.Ordinal))];

        public async Task DisposeAsync()
        {
            await A.DisposeAsync();
            foreach (var server in new[] { Good, WrongName, Untrusted, NoTls, Broken, Smarthost, Impostor, LoginOnly, AsksCertificate, RefusesTls, Tls12, Silent, Injecting }) await server.DisposeAsync();
            _ca.Dispose();
            _otherCa.Dispose();
            _certs.Dispose();
        }
    }

    private static bool GotInClear(ScriptedSmtpServer server, string address) => server.ClearCommands.Contains($"RCPT TO:<{address}>");

    private static bool GotOverTls(ScriptedSmtpServer server, string address)
        => server.Commands.Contains($"RCPT TO:<{address}>") && !GotInClear(server, address);

    private static void Has(IEnumerable<string> lines, string part) => Assert.Contains(lines, l => l.Contains(part, StringComparison.Ordinal));

    [Fact]
    public async Task VerifiedCertificate_DeliveredOverTls_CvYes()
    {
        var id = await f.SendAndDeliverAsync("u@verified.example");

        Assert.True(GotOverTls(f.Good, "u@verified.example"));
        Assert.Matches($@"{id} => u@verified\.example R=verified_example T=verified_example H=127\.0\.0\.1 \[127\.0\.0\.1\] X=TLS1\.3:TLS_AES_(256_GCM_SHA384|128_GCM_SHA256):(256|128) CV=yes C=""250 OK id=fake""", f.A.MainLog);
        Assert.DoesNotContain(f.Lines(id), l => l.Contains("SSL verify error", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Tls12_CipherLoggedWithOpenSslsName()
    {
        var id = await f.SendAndDeliverAsync("u@tls12.example");

        Assert.True(GotOverTls(f.Tls12, "u@tls12.example"));
        Assert.Matches($@"{id} => u@tls12\.example .* X=TLS1\.2:ECDHE-ECDSA-(AES256-GCM-SHA384:256|AES128-GCM-SHA256:128|CHACHA20-POLY1305:256) CV=yes C=", f.A.MainLog);
    }

    [Fact]
    public async Task Opportunistic_SystemStoreDoesNotKnowTheCa_DeliveredOverTls_CvNo()
    {
        var id = await f.SendAndDeliverAsync("u@opportunistic.example");

        Assert.True(GotOverTls(f.Good, "u@opportunistic.example"));
        Has(f.Lines(id), " CV=no C=");
        Has(f.Lines(id), $"{id} [127.0.0.1] SSL verify error: depth=0 error=unable to get local issuer certificate cert=/CN=mx.tls.test");
    }

    [Fact]
    public async Task CertificateForAnotherName_TryVerify_CvNoWithNameMismatchLogged()
    {
        var id = await f.SendAndDeliverAsync("u@wrongname.example");

        Assert.True(GotOverTls(f.WrongName, "u@wrongname.example"));
        Has(f.Lines(id), $"{id} [127.0.0.1] SSL verify error: certificate name mismatch: DN=\"/CN=other.example\" H=\"127.0.0.1\"");
        Has(f.Lines(id), " CV=no C=");
    }

    [Fact]
    public async Task UntrustedCertificate_TryVerifyHosts_DeliveredOverTls_CvNo()
    {
        var id = await f.SendAndDeliverAsync("u@untrusted-try.example");

        Assert.True(GotOverTls(f.Untrusted, "u@untrusted-try.example"));
        Has(f.Lines(id), "=> u@untrusted-try.example R=untrusted_try_example T=untrusted_try_example H=127.0.0.1 [127.0.0.1] X=TLS1.3:");
        Has(f.Lines(id), " CV=no C=");
    }

    [Fact]
    public async Task UntrustedCertificate_VerifyHostsWithoutTryclear_DeferredNotSentInClear()
    {
        var id = await f.SendAndDeliverAsync("u@untrusted-verify.example");

        Assert.DoesNotContain("RCPT TO:<u@untrusted-verify.example>", f.Untrusted.Commands);
        Has(f.Lines(id), $"{id} [127.0.0.1] SSL verify error: depth=0 error=unable to get local issuer certificate cert=/CN=127.0.0.1");
        Has(f.Lines(id), $"{id} == u@untrusted-verify.example R=untrusted_verify_example T=untrusted_verify_example defer (-37) H=127.0.0.1 [127.0.0.1]: TLS session: (SSL_connect): certificate verify failed");
        Assert.DoesNotContain(f.Lines(id), l => l.Contains($"{id} H=127.0.0.1", StringComparison.Ordinal)); // smtp.c writes no host line for a TLS failure
        Assert.True(File.Exists(f.A.Directory.Combine("spool", "input", id + "-H")));
    }

    [Fact]
    public async Task UntrustedCertificate_VerifyHostsWithTryclear_FallsBackToClear_AsEximDocuments()
    {
        var id = await f.SendAndDeliverAsync("u@untrusted-fallback.example");

        Has(f.Lines(id), $"{id} TLS session: (SSL_connect): certificate verify failed: delivering unencrypted to H=127.0.0.1 [127.0.0.1] (not in hosts_require_tls)");
        Assert.True(GotInClear(f.Untrusted, "u@untrusted-fallback.example"));
        Has(f.Lines(id), $"{id} => u@untrusted-fallback.example R=untrusted_fallback_example T=untrusted_fallback_example H=127.0.0.1 [127.0.0.1] C=");
    }

    [Fact]
    public async Task RequireTls_ServerWithoutStarttls_Deferred()
    {
        var id = await f.SendAndDeliverAsync("u@require-notls.example");

        Assert.DoesNotContain("RCPT TO:<u@require-notls.example>", f.NoTls.Commands);
        Has(f.Lines(id), $"{id} H=127.0.0.1 [127.0.0.1]: a TLS session is required, but the server did not offer TLS support");
        Has(f.Lines(id), $"{id} == u@require-notls.example R=require_notls_example T=require_notls_example defer (-38) H=127.0.0.1 [127.0.0.1]: a TLS session is required, but the server did not offer TLS support");
    }

    [Fact]
    public async Task HandshakeFails_Tryclear_RetriedInClearOnANewConnection()
    {
        var before = f.Broken.Connections;
        var id = await f.SendAndDeliverAsync("u@broken.example");

        Assert.True(GotInClear(f.Broken, "u@broken.example"));
        Assert.Equal(before + 2, f.Broken.Connections);
        Has(f.Lines(id), $"{id} TLS session: (SSL_connect): ");
        Has(f.Lines(id), ": delivering unencrypted to H=127.0.0.1 [127.0.0.1] (not in hosts_require_tls)");
        Has(f.Lines(id), $"{id} => u@broken.example R=broken_example T=broken_example H=127.0.0.1 [127.0.0.1] C=\"250 OK id=fake\"");
    }

    [Fact]
    public async Task HandshakeFails_RequireTls_DeferredNotInClear()
    {
        var id = await f.SendAndDeliverAsync("u@broken-require.example");

        Assert.DoesNotContain("RCPT TO:<u@broken-require.example>", f.Broken.Commands);
        Assert.DoesNotContain(f.Lines(id), l => l.Contains("delivering unencrypted", StringComparison.Ordinal));
        Has(f.Lines(id), $"{id} == u@broken-require.example R=broken_require_example T=broken_require_example defer (-37) H=127.0.0.1 [127.0.0.1]: TLS session: (SSL_connect): ");
    }

    [Fact]
    public async Task HandshakeNeverAnswered_TimesOutAtCommandTimeout()
    {
        var id = await f.SendAndDeliverAsync("u@silent.example");

        Has(f.Lines(id), $"{id} == u@silent.example R=silent_example T=silent_example defer (-37) H=127.0.0.1 [127.0.0.1]: TLS session: (SSL_connect): timed out");
    }

    [Fact]
    public async Task DataAfterThe220BeforeTheHandshake_IsASynchError()
    {
        var id = await f.SendAndDeliverAsync("u@injecting.example");

        Has(f.Lines(id), $"{id} == u@injecting.example R=injecting_example T=injecting_example defer (-37) H=127.0.0.1 [127.0.0.1]: TLS session: synch error before connect");
        Assert.Equal(0, f.Injecting.Handshakes);
    }

    [Fact]
    public async Task HandshakeFails_TryclearOff_DeferredNotInClear()
    {
        var id = await f.SendAndDeliverAsync("u@broken-noclear.example");

        Assert.DoesNotContain("RCPT TO:<u@broken-noclear.example>", f.Broken.Commands);
        Has(f.Lines(id), $"{id} == u@broken-noclear.example R=broken_noclear_example T=broken_noclear_example defer (-37) H=127.0.0.1 [127.0.0.1]: TLS session: ");
    }

    [Fact]
    public async Task StarttlsRefused_Tryclear_DeliveredInClearOnTheSameConnection()
    {
        var before = f.RefusesTls.Connections;
        var id = await f.SendAndDeliverAsync("u@refused.example");

        Assert.True(GotInClear(f.RefusesTls, "u@refused.example"));
        Assert.Equal(before + 1, f.RefusesTls.Connections);
        Has(f.Lines(id), $"{id} => u@refused.example R=refused_example T=refused_example H=127.0.0.1 [127.0.0.1] C=");
    }

    [Fact]
    public async Task StarttlsRefused_RequireTls_Deferred()
    {
        var id = await f.SendAndDeliverAsync("u@refused-require.example");

        Assert.DoesNotContain("RCPT TO:<u@refused-require.example>", f.RefusesTls.Commands);
        Has(f.Lines(id), $"{id} H=127.0.0.1 [127.0.0.1]: a TLS session is required, but an attempt to start TLS failed");
    }

    [Fact]
    public async Task StarttlsTemporarilyRefused_TryclearOff_Deferred()
    {
        var id = await f.SendAndDeliverAsync("u@refused-noclear.example");

        Assert.DoesNotContain("RCPT TO:<u@refused-noclear.example>", f.RefusesTls.Commands);
        Has(f.Lines(id), $"{id} == u@refused-noclear.example R=refused_noclear_example T=refused_noclear_example defer (0) H=127.0.0.1 [127.0.0.1]: SMTP error from remote mail server after STARTTLS: 454 4.7.0 TLS not available due to local problem");
    }

    [Fact]
    public async Task HostsAvoidTls_NoStarttls()
    {
        var id = await f.SendAndDeliverAsync("u@avoid.example");

        Assert.True(GotInClear(f.Good, "u@avoid.example"));
        Has(f.Lines(id), $"{id} => u@avoid.example R=avoid_example T=avoid_example H=127.0.0.1 [127.0.0.1] C=");
    }

    [Fact]
    public async Task AuthPlain_ToSmarthostOverTls_LoggedWithA()
    {
        var id = await f.SendAndDeliverAsync("u@plain.example");

        Assert.True(GotOverTls(f.Smarthost, "u@plain.example"));
        Assert.DoesNotContain(f.Smarthost.ClearCommands, c => c.StartsWith("AUTH", StringComparison.OrdinalIgnoreCase));
        Has(f.Lines(id), $" CV=yes A=plain:{User} C=\"250 OK id=fake\"");
        Assert.DoesNotContain(Password, f.A.MainLog, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuthLogin_WhenOnlyLoginIsOffered()
    {
        var id = await f.SendAndDeliverAsync("u@login.example");

        Assert.True(GotOverTls(f.LoginOnly, "u@login.example"));
        Assert.Contains("AUTH LOGIN", f.LoginOnly.Commands);
        Has(f.Lines(id), $" CV=yes A=login:{User} C=");
    }

    [Fact]
    public async Task AuthCredentialsFile_IsUsedBeforeTheOptions()
    {
        var id = await f.SendAndDeliverAsync("u@file.example");

        Has(f.Lines(id), $" A=plain:{User} C=");
    }

    [Fact]
    public async Task AuthRequired_WrongPassword_BothMechanismsTried_Deferred()
    {
        var id = await f.SendAndDeliverAsync("u@badpass.example");

        Has(f.Lines(id), $"{id} plain authenticator failed H=127.0.0.1 [127.0.0.1] 535 5.7.8 Authentication credentials invalid");
        Has(f.Lines(id), $"{id} login authenticator failed H=127.0.0.1 [127.0.0.1] 535 5.7.8 Authentication credentials invalid");
        Has(f.Lines(id), $"{id} == u@badpass.example R=badpass_example T=badpass_example defer (-42): authentication required but authentication attempt(s) failed");
        Assert.DoesNotContain("RCPT TO:<u@badpass.example>", f.Smarthost.Commands);
    }

    [Fact]
    public async Task AuthTried_WrongPassword_DeliveredUnauthenticated()
    {
        var id = await f.SendAndDeliverAsync("u@trybad.example");

        Has(f.Lines(id), $"{id} plain authenticator failed H=127.0.0.1 [127.0.0.1] 535 5.7.8 Authentication credentials invalid");
        Has(f.Lines(id), $"{id} => u@trybad.example R=trybad_example T=trybad_example H=127.0.0.1 [127.0.0.1] X=TLS1.3:");
        Assert.DoesNotContain(f.Lines(id), l => l.Contains(" A=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AuthRequired_ServerOffersNoAuth_Deferred()
    {
        var id = await f.SendAndDeliverAsync("u@noauth.example");

        Has(f.Lines(id), $"{id} == u@noauth.example R=noauth_example T=noauth_example defer (-42): authentication required but server did not advertise AUTH support");
        Assert.DoesNotContain("RCPT TO:<u@noauth.example>", f.Good.Commands);
    }

    [Fact]
    public async Task AuthRequired_CertificateNotVerified_NoCredentialsSentAndDeferred()
    {
        var id = await f.SendAndDeliverAsync("u@impostor-require.example");

        Assert.DoesNotContain(f.Impostor.Commands, c => c.StartsWith("AUTH", StringComparison.OrdinalIgnoreCase));
        Has(f.Lines(id), $"{id} == u@impostor-require.example R=impostor_require_example T=impostor_require_example defer (-42): authentication required but the server certificate was not verified");
        Assert.DoesNotContain("RCPT TO:<u@impostor-require.example>", f.Impostor.Commands);
    }

    [Fact]
    public async Task AuthTried_CertificateNotVerified_DeliveredUnauthenticatedWithoutSendingCredentials()
    {
        var id = await f.SendAndDeliverAsync("u@impostor-try.example");

        Assert.True(GotOverTls(f.Impostor, "u@impostor-try.example"));
        Assert.DoesNotContain(f.Impostor.Commands, c => c.StartsWith("AUTH", StringComparison.OrdinalIgnoreCase));
        Has(f.Lines(id), $"{id} => u@impostor-try.example R=impostor_try_example T=impostor_try_example H=127.0.0.1 [127.0.0.1] X=TLS1.3:");
        Has(f.Lines(id), " CV=no C=");
        Assert.DoesNotContain(f.Lines(id), l => l.Contains(" A=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AuthRequired_NoTls_NoCredentialsSentAndDeferred()
    {
        var id = await f.SendAndDeliverAsync("u@clear-require.example");

        Assert.DoesNotContain(f.Smarthost.ClearCommands, c => c.StartsWith("AUTH", StringComparison.OrdinalIgnoreCase));
        Has(f.Lines(id), $"{id} == u@clear-require.example R=clear_require_example T=clear_require_example defer (-42): authentication required but the connection is not encrypted");
        Assert.DoesNotContain("RCPT TO:<u@clear-require.example>", f.Smarthost.Commands);
    }

    [Fact]
    public async Task AuthTried_NoTls_DeliveredUnauthenticatedWithoutSendingCredentials()
    {
        var id = await f.SendAndDeliverAsync("u@clear-try.example");

        Assert.True(GotInClear(f.Smarthost, "u@clear-try.example"));
        Assert.DoesNotContain(f.Smarthost.ClearCommands, c => c.StartsWith("AUTH", StringComparison.OrdinalIgnoreCase));
        Has(f.Lines(id), $"{id} => u@clear-try.example R=clear_try_example T=clear_try_example H=127.0.0.1 [127.0.0.1] C=");
    }

    [Fact]
    public async Task PrintOptions_HidesTheAuthPassword()
    {
        var (code, stdout, stderr) = await EximProcess.RunAsync(f.A.Directory.Path, "-C", f.A.ConfigPath, "-bP", "transport", "plain_example");

        Assert.Equal(0, code);
        Assert.Contains($"auth_username = {User}", stdout, StringComparison.Ordinal);
        Assert.Contains("auth_password = <value not displayable>", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, stdout + stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClientCertificateAndSni_AreSent()
    {
        var id = await f.SendAndDeliverAsync("u@clientcert.example");

        Assert.True(GotOverTls(f.AsksCertificate, "u@clientcert.example"));
        Assert.Equal("CN=client.tls.test", f.AsksCertificate.ClientCertificateSubject);
        Assert.Equal("mail.sni.test", f.AsksCertificate.LastSni);
        Has(f.Lines(id), " X=TLS1.3:");
    }

    [Fact]
    public async Task QueueRun_ConnectionInClearIsNotReusedByATransportThatWantsTls()
    {
        var clear = await f.QueueAsync("v@avoid.example");
        var secure = await f.QueueAsync("v@verified.example");
        var (code, stdout, stderr) = await EximProcess.RunAsync(f.A.Directory.Path, "-C", f.A.ConfigPath, "-q");
        Assert.True(code is 0 or 1, stdout + stderr);

        Has(f.Lines(clear), $"{clear} => v@avoid.example R=avoid_example T=avoid_example H=127.0.0.1 [127.0.0.1] C=");
        Has(f.Lines(secure), $"{secure} => v@verified.example R=verified_example T=verified_example H=127.0.0.1 [127.0.0.1] X=TLS1.3:");
        Assert.True(GotInClear(f.Good, "v@avoid.example"));
        Assert.True(GotOverTls(f.Good, "v@verified.example"));
    }

    [Fact]
    public async Task QueueRun_ConnectionToOneNameIsNotReusedForAnotherNameOfTheSameAddress()
    {
        var clear = await f.QueueAsync("w@literal.example");
        var secure = await f.QueueAsync("w@named.example");
        var (code, stdout, stderr) = await EximProcess.RunAsync(f.A.Directory.Path, "-C", f.A.ConfigPath, "-q");
        Assert.True(code is 0 or 1, stdout + stderr);

        Has(f.Lines(clear), $"{clear} => w@literal.example R=literal_example T=by_name H=127.0.0.1 [127.0.0.1] C=");
        Has(f.Lines(secure), $"{secure} => w@named.example R=named_example T=by_name H=localhost [127.0.0.1] X=TLS1.3:");
        Assert.True(GotOverTls(f.Good, "w@named.example"));
    }
}
