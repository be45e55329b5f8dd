using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using Exim.Abstractions.Config;
using Exim.Host.Tests.Smtp;
using Exim.Mail.Smtp.Auth;
using Exim.Plugins.DovecotAuth;
using Exim.TestKit;
using static Exim.Host.Tests.Auth.AuthFiles;

namespace Exim.Host.Tests.Auth;

/// <summary>
/// The dovecot authenticator against a real Dovecot's auth-client socket: Dovecot runs the SASL exchange (its LOGIN
/// prompts and CRAM-MD5 challenges reach the client through our 334s), its answers become 235, 535 and 435.
/// </summary>
public sealed class DovecotAuthTests(DovecotFixture fixture) : IClassFixture<DovecotFixture>
{
    private static readonly MainOptions InClear = new()
    {
        AuthAdvertiseHosts = ["*"],
        AuthAdvertiseHostsSet = true,
        SmtpEnforceSync = false,
        SmtpReceiveTimeout = TimeSpan.FromSeconds(30),
    };

    private static ImmutableArray<Authenticator> Authenticators(string socket, params string[] mechanisms)
        => [.. mechanisms.Select(m => new Authenticator("dovecot_" + m.ToLowerInvariant(), m, new DovecotAuthenticator(socket, m, TimeSpan.FromSeconds(10))))];

    private async Task<InProcessSession> StartAsync(params string[] mechanisms)
    {
        var s = await InProcessSession.StartAsync(InClear, authenticators: Authenticators(fixture.Dovecot.AuthClientSocket, mechanisms));
        Assert.Contains("250-AUTH " + string.Join(' ', mechanisms), await s.Client.CommandAsync("EHLO client.example"), StringComparison.Ordinal);
        return s;
    }

    [Fact]
    public async Task Plain_BcryptInDovecotsForm_Succeeds()
    {
        await using var s = await StartAsync("PLAIN");

        Assert.Equal("235 Authentication succeeded", await s.Client.CommandAsync("AUTH PLAIN " + Plain("alice", AlicePassword)));
    }

    [Fact]
    public async Task Plain_WithoutInitialResponse_DovecotsEmptyChallenge()
    {
        await using var s = await StartAsync("PLAIN");

        Assert.Equal("334 ", await s.Client.CommandAsync("AUTH PLAIN"));
        Assert.Equal("235 Authentication succeeded", await s.Client.CommandAsync(Plain("carol", DovecotFixture.CarolPassword)));
    }

    [Fact]
    public async Task Login_DovecotsPrompts()
    {
        await using var s = await StartAsync("LOGIN");

        Assert.Equal("334 VXNlcm5hbWU6", await s.Client.CommandAsync("AUTH LOGIN"));
        Assert.Equal("334 UGFzc3dvcmQ6", await s.Client.CommandAsync(B64("alice")));
        Assert.Equal("235 Authentication succeeded", await s.Client.CommandAsync(B64(AlicePassword)));
    }

    [Fact]
    public async Task WrongPassword_535_WithTheUserDovecotNames()
    {
        await using var s = await StartAsync("PLAIN");

        Assert.Equal("535 Incorrect authentication data", await s.Client.CommandAsync("AUTH PLAIN " + Plain("alice", "wrong")));
        Assert.True(s.Logged("dovecot_plain authenticator failed for (client.example) [127.0.0.1]: 535 Incorrect authentication data (set_id=alice)"), string.Join("\n", s.Log));
    }

    [Fact]
    public async Task CramMd5_ThroughDovecot()
    {
        await using var s = await StartAsync("CRAM-MD5");

        var challenge = await s.Client.CommandAsync("AUTH CRAM-MD5");
        Assert.StartsWith("334 ", challenge, StringComparison.Ordinal);
#pragma warning disable CA5351 // CRAM-MD5 is HMAC-MD5 by definition: the client's side of the mechanism under test.
        var digest = HMACMD5.HashData(Encoding.UTF8.GetBytes(DovecotFixture.CarolPassword), Convert.FromBase64String(challenge[4..]));
#pragma warning restore CA5351
        var answer = B64("carol " + Convert.ToHexStringLower(digest));

        Assert.Equal("235 Authentication succeeded", await s.Client.CommandAsync(answer));
    }

    [Fact]
    public async Task AMechanismDovecotDoesNotOffer_435()
    {
        await using var s = await StartAsync("DIGEST-MD5");

        Assert.Equal("435 Unable to authenticate at present", await s.Client.CommandAsync("AUTH DIGEST-MD5"));
        Assert.True(s.Logged("dovecot_digest-md5 authenticator failed for (client.example) [127.0.0.1]: 435 Unable to authenticate at present: Dovecot did not advertise mechanism \"DIGEST-MD5\" to us"), string.Join("\n", s.Log));
    }

    [Theory]
    [InlineData("127.0.0.2", false, "")]
    [InlineData("127.0.0.2", true, "secured\\t")]
    [InlineData("127.0.0.1", false, "secured\\t")] // a client on this host itself, as Exim
    public async Task TheRequest_SaysSecuredOnlyUnderTlsOrFromThisHost_WithBothEnds(string from, bool underTls, string secured)
    {
        var tls = underTls ? new Abstractions.Scripting.TlsSessionInfo("TLS1.3", "TLS_AES_256_GCM_SHA384", 256) : null;
        var user = $"u{Guid.NewGuid():N}"; // unknown to Dovecot: its FAIL names the request in its log
        await using (var s = await InProcessSession.StartAsync(InClear, authenticators: Authenticators(fixture.Dovecot.AuthClientSocket, "PLAIN"),
            describedTls: tls, clientAddress: from))
        {
            await s.Client.CommandAsync("EHLO client.example");
            Assert.Equal("535 Incorrect authentication data", await s.Client.CommandAsync("AUTH PLAIN " + Plain(user, "x")));
        }

        // Dovecot's auth_debug logs each request as it came (the response hidden), then the lookup under the user's name.
        var lines = fixture.Dovecot.Log.Split('\n');
        var lookup = Array.FindIndex(lines, l => l.Contains($"({user},{from})", StringComparison.Ordinal));
        Assert.True(lookup > 0, fixture.Dovecot.Log);
        var request = lines.Take(lookup).Last(l => l.Contains("client in: AUTH", StringComparison.Ordinal));
        Assert.Matches($@"client in: AUTH\t\d+\tPLAIN\tservice=smtp\t{secured}lip=127\.0\.0\.1\trip={from.Replace(".", "\\.", StringComparison.Ordinal)}\tlport=\d+\trport=\d+\tnologin\tresp=<hidden>$", request);
    }

    [Fact]
    public async Task DovecotNotRunning_435_AndLogged()
    {
        using var dir = new TempDirectory("exim-no-dovecot");
        await using var s = await InProcessSession.StartAsync(InClear, authenticators: Authenticators(dir.Combine("auth-client"), "PLAIN"));
        await s.Client.CommandAsync("EHLO client.example");

        Assert.Equal("435 Unable to authenticate at present", await s.Client.CommandAsync("AUTH PLAIN " + Plain("alice", AlicePassword)));
        Assert.True(s.Logged($"dovecot_plain authenticator failed for (client.example) [127.0.0.1]: 435 Unable to authenticate at present: failed to connect to socket {dir.Combine("auth-client")}"), string.Join("\n", s.Log));
    }

    [Fact]
    public async Task Swaks_PlainLoginAndCramMd5_ThroughADaemonLoadingThePlugin()
    {
        var authenticators = string.Concat(new[] { "PLAIN", "LOGIN", "CRAM-MD5" }.Select(m => $"""

            [[authenticators]]
            name = "dovecot_{m.ToLowerInvariant()}"
            driver = "dovecot"
            public_name = "{m}"
            server_socket = "{fixture.Dovecot.AuthClientSocket}"
            server_timeout = "10s"
            """));
        await using var d = await TestDaemon.StartAsync(TestDaemon.SmtpConfig("auth_advertise_hosts = [\"127.0.0.1\"]", relayFromHosts: "[]") + $"""

            [plugins.dovecot-auth]
            assembly = "{RepoPaths.Plugin("dovecot-auth", "Exim.Plugins.DovecotAuth.dll")}"
            """ + authenticators);

        foreach (var (mechanism, user, password) in new[] { ("PLAIN", "alice", AlicePassword), ("LOGIN", "bob", BobPassword), ("CRAM-MD5", "carol", DovecotFixture.CarolPassword) })
        {
            var (code, output) = await Swaks.RunAsync("--server", $"127.0.0.1:{d.Port}", "--helo", "client.example", "--auth", mechanism,
                "--auth-user", user, "--auth-password", password, "--from", $"{user}@test.example", "--to", "friend@elsewhere.example");

            Assert.True(code == 0, output);
            var id = System.Text.RegularExpressions.Regex.Match(output, @"250 OK id=(\S+)").Groups[1].Value;
            await d.WaitForLogAsync($"{id} <= {user}@test.example H=(client.example) [127.0.0.1] P=esmtpa A=dovecot_{mechanism.ToLowerInvariant()}:{user} S=");
        }
    }
}
