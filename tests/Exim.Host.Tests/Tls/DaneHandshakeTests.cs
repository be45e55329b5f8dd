using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Exim.Mail.Resolution;
using Exim.Mail.Tls.Dane;
using Exim.TestKit;

namespace Exim.Host.Tests.Tls;

/// <summary>
/// The DANE decision used where the smtp transport will use it: in SslStream's certificate validation callback, over a
/// real TLS handshake on loopback with a server presenting the fixture's certificate and CA, the TLSA records coming
/// from the signed zone through unbound and the dns-resolver plugin. PKIX would refuse this server (its CA is in no
/// trust store); DANE accepts it when a record matches, and refuses it when none does.
/// </summary>
public sealed class DaneHandshakeTests(DaneDnsFixture fixture) : IClassFixture<DaneDnsFixture>
{
    private Task<DaneDecision> DecideAsync(string host, DnssecStatus dnssec = DnssecStatus.Yes, bool tryDane = true, bool requireDane = false)
        => DanePolicy.DecideAsync(fixture.Resolver, new HostItem(host, IPAddress.Loopback, 10, Dnssec: dnssec), 25, tryDane, requireDane,
            new DnsLookupSettings(1), CancellationToken.None).WaitAsync(TestTimeouts.Default);

    /// <summary>A TLS handshake with the fixture's server certificate and chain; the client's callback checks by DANE.</summary>
    private async Task<(bool Accepted, DaneMatch Match, SslPolicyErrors Pkix)> HandshakeAsync(DaneDecision decision, TestCertificate? server = null)
    {
        server ??= fixture.Server;
        using var serverCertificate = X509Certificate2.CreateFromPemFile(server.CertificatePath, server.KeyPath);
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(listener.LocalEndPoint!).WaitAsync(TestTimeouts.Default);
        using var accepted = await listener.AcceptAsync().WaitAsync(TestTimeouts.Default);
        await using var serverTls = new SslStream(new NetworkStream(accepted, ownsSocket: false));
        await using var clientTls = new SslStream(new NetworkStream(client, ownsSocket: false));

        var match = default(DaneMatch);
        var pkix = SslPolicyErrors.None;
        var serverTask = serverTls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
        {
            // The chain the server sends: its certificate and the intermediate (.NET, like most servers, leaves out a self-signed root).
            ServerCertificateContext = SslStreamCertificateContext.Create(serverCertificate, [fixture.Intermediate.Ca, fixture.Ca.Ca], offline: true),
        });
        var clientOptions = new SslClientAuthenticationOptions
        {
            TargetHost = decision.Names.FirstOrDefault() ?? "mx.dane.test", // SNI: the TLSA base domain
            RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
            {
                pkix = errors;
                match = decision.Check(certificate, chain, DateTime.UtcNow);
                return match.Status == DaneMatchStatus.Matched;
            },
        };
        try
        {
            await clientTls.AuthenticateAsClientAsync(clientOptions).WaitAsync(TestTimeouts.Default);
            await serverTask.WaitAsync(TestTimeouts.Default);
            return (true, match, pkix);
        }
        catch (AuthenticationException)
        {
            client.Close();
            try { await serverTask.WaitAsync(TestTimeouts.Default); } catch (Exception e) when (e is AuthenticationException or IOException) { }
            return (false, match, pkix);
        }
    }

    [Fact]
    public async Task DaneEe_MatchingRecord_AcceptsAServerPkixRefuses()
    {
        var decision = await DecideAsync("mx.dane.test");
        var eeOnly = decision with { Records = [.. decision.Records.Where(r => r.Usage == 3)] };

        var (accepted, match, pkix) = await HandshakeAsync(eeOnly);

        Assert.Equal(DaneMode.Verify, decision.Mode);
        Assert.True(accepted);
        Assert.Equal((DaneMatchStatus.Matched, (byte)3, 0), (match.Status, match.Record!.Usage, match.Depth));
        Assert.NotEqual(SslPolicyErrors.None, pkix & SslPolicyErrors.RemoteCertificateChainErrors);
    }

    [Fact]
    public async Task DaneTa_TheIntermediateTheServerSends_IsSeenInTheCallback_AndAccepted()
    {
        var decision = await DecideAsync("ta.dane.test");

        var (accepted, match, _) = await HandshakeAsync(decision, fixture.ServerViaIntermediate);

        Assert.Equal((DaneMode.Verify, "2 1 1"), (decision.Mode, Assert.Single(decision.Records).ToString()[..5]));
        Assert.True(accepted);
        Assert.Equal((DaneMatchStatus.Matched, (byte)2, 1), (match.Status, match.Record!.Usage, match.Depth));
    }

    [Fact]
    public async Task DaneTa_ARootTheServerSends_IsATrustAnchor_WithOpensslAsTheServer()
    {
        // OpenSSL servers (Exim's, Postfix's) send the whole chain they are given, the root included, as Exim's manual
        // asks for DANE-TA: the record for the root ("2 0 2") then matches at depth 1.
        var decision = await DecideAsync("mx.dane.test");
        var taOnly = decision with { Records = [.. decision.Records.Where(r => r.Usage == 2)] };
        var port = LoopbackPorts.FreeUdpAndTcp();
        await using var server = await ServiceProcess.StartAsync("openssl", "ACCEPT", "openssl", new TempDirectory("exim-s-server"),
            "s_server", "-accept", $"127.0.0.1:{port}", "-cert", fixture.Server.CertificatePath, "-key", fixture.Server.KeyPath,
            "-cert_chain", fixture.Ca.CaPath, "-naccept", "1", "-www"); // -www: it does not read its standard input
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port).WaitAsync(TestTimeouts.Default);
        await using var tls = new SslStream(client.GetStream());
        var match = default(DaneMatch);

        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "mx.dane.test",
            RemoteCertificateValidationCallback = (_, certificate, chain, _) =>
            {
                match = taOnly.Check(certificate, chain, DateTime.UtcNow);
                return match.Status == DaneMatchStatus.Matched;
            },
        }).WaitAsync(TestTimeouts.Default);

        Assert.Equal((DaneMatchStatus.Matched, "2 0 2", 1), (match.Status, match.Record!.ToString()[..5], match.Depth));
    }

    [Fact]
    public async Task RecordsForAnotherServer_RefuseTheHandshake()
    {
        var decision = await DecideAsync("mx.dane.test");
        using var other = TestCertificates.Create(fixture.Ca.Directory + "-other", "Another CA");
        var wrong = decision with { Records = [Tlsa.For(other.Ca, 3), Tlsa.For(other.Ca, 2)] };

        var (accepted, match, _) = await HandshakeAsync(wrong);

        Assert.False(accepted);
        Assert.Equal(DaneMatchStatus.Mismatch, match.Status);
    }

    [Fact]
    public async Task DaneTa_ForANameTheCertificateDoesNotCarry_RefusesTheHandshake()
    {
        var decision = await DecideAsync("ta.dane.test");

        var (accepted, match, _) = await HandshakeAsync(decision with { Names = ["other.dane.test"] }, fixture.ServerViaIntermediate);

        Assert.False(accepted);
        Assert.Contains("names do not match", match.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostsInNeitherList_GetNoLookup_AndInsecureHostsNoDane()
    {
        Assert.Equal(DaneMode.None, (await DecideAsync("mx.dane.test", tryDane: false)).Mode);
        Assert.Equal(DaneMode.None, (await DecideAsync("mx.dane.test", DnssecStatus.No)).Mode);
        Assert.Equal(DaneMode.None, (await DecideAsync("mx.dane.test", DnssecStatus.Unknown)).Mode);
        Assert.Equal(DaneMode.Fail, (await DecideAsync("mx.dane.test", DnssecStatus.No, tryDane: false, requireDane: true)).Mode);
        Assert.Equal(DaneMode.Verify, (await DecideAsync("mx.dane.test", tryDane: false, requireDane: true)).Mode);
    }
}
