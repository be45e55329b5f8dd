using Exim.Abstractions.Config;
using Exim.Host.Tests.Smtp;
using Exim.Host.Tests.Tls;
using Exim.TestKit;
using static Exim.Host.Tests.Auth.AuthFiles;

namespace Exim.Host.Tests.Auth;

/// <summary>
/// AUTH and STARTTLS together in the real session, with a real .NET TLS client: AUTH is offered only once the session is
/// encrypted (auth_advertise_hosts unset), and STARTTLS forgets an authentication made in clear (RFC 3207 section 4.2).
/// </summary>
public sealed class AuthOverStartTlsTests : IDisposable
{
    private readonly TlsFixture _tls = new();
    private readonly TempDirectory _files = new("exim-auth-tls");

    public void Dispose()
    {
        _files.Dispose();
        _tls.Dispose();
    }

    private Task<InProcessSession> StartAsync(MainOptions main)
    {
        main = _tls.With(main with { SmtpEnforceSync = false, SmtpPremailTimeout = TimeSpan.Zero, RelayFromHosts = [] });
        return InProcessSession.StartAsync(main, tls: TlsFixture.Load(main), authenticators: PlainAndLogin(_files));
    }

    [Fact]
    public async Task AuthIsOfferedAfterStartTls_AndTheMessageIsEsmtpsaWithA()
    {
        await using var s = await StartAsync(new MainOptions());

        Assert.DoesNotContain("AUTH", await s.Client.CommandAsync("EHLO client.example"), StringComparison.Ordinal);
        Assert.Equal("220 TLS go ahead", await s.Client.CommandAsync("STARTTLS"));
        await s.Client.StartTlsAsync("mx.test.example");
        Assert.Contains("\n250-AUTH PLAIN LOGIN\n", await s.Client.CommandAsync("EHLO client.example"), StringComparison.Ordinal);
        Assert.Equal("235 Authentication succeeded", await s.Client.CommandAsync("AUTH PLAIN " + Plain("alice", AlicePassword)));
        // Relayed: only an authenticated client may send to a domain that is not ours.
        Assert.StartsWith("250 OK id=", await s.Client.SendMessageAsync("alice@test.example", "bob@elsewhere.example", "hello"), StringComparison.Ordinal);

        Assert.True(s.Logged(" P=esmtpsa X=TLS1.3:"), string.Join("\n", s.Log));
        Assert.True(s.Logged(" CV=no SNI=mx.test.example A=plain:alice S="), string.Join("\n", s.Log));
    }

    [Fact]
    public async Task StartTls_ForgetsAnAuthenticationMadeInClear()
    {
        await using var s = await StartAsync(new MainOptions { AuthAdvertiseHosts = ["127.0.0.1"], AuthAdvertiseHostsSet = true });

        await s.Client.CommandAsync("EHLO client.example");
        Assert.Equal("235 Authentication succeeded", await s.Client.CommandAsync("AUTH PLAIN " + Plain("alice", AlicePassword)));
        Assert.Equal("220 TLS go ahead", await s.Client.CommandAsync("STARTTLS"));
        await s.Client.StartTlsAsync("mx.test.example");
        await s.Client.CommandAsync("EHLO client.example");

        // Not authenticated any more: relaying is refused, and AUTH is taken again (not "503 already authenticated").
        Assert.Equal("250 OK", await s.Client.CommandAsync("MAIL FROM:<alice@test.example>"));
        Assert.StartsWith("550 ", await s.Client.CommandAsync("RCPT TO:<bob@elsewhere.example>"), StringComparison.Ordinal);
        Assert.Equal("250 Reset OK", await s.Client.CommandAsync("RSET"));
        Assert.Equal("235 Authentication succeeded", await s.Client.CommandAsync("AUTH PLAIN " + Plain("alice", AlicePassword)));
    }

    [Fact]
    public async Task Help_ListsAuthAndStartTls_AsEximDoes_StartTlsOnlyBeforeTheHandshake()
    {
        await using var s = await StartAsync(new MainOptions());

        Assert.Equal("214-Commands supported:\n214 AUTH STARTTLS HELO EHLO MAIL RCPT DATA NOOP QUIT RSET HELP", await s.Client.CommandAsync("HELP"));
        await s.Client.CommandAsync("EHLO client.example");
        await s.Client.CommandAsync("STARTTLS");
        await s.Client.StartTlsAsync("mx.test.example");
        Assert.Equal("214-Commands supported:\n214 AUTH HELO EHLO MAIL RCPT DATA NOOP QUIT RSET HELP", await s.Client.CommandAsync("HELP"));
    }
    [Fact]
    public async Task StartTls_StartsTheCountOfRepeatedAuthAgain()
    {
        await using var s = await StartAsync(new MainOptions
        {
            AuthAdvertiseHosts = ["127.0.0.1"], AuthAdvertiseHostsSet = true, SmtpAcceptMaxNonmail = 1, SmtpMaxAuthFailures = 0,
        });
        await s.Client.CommandAsync("EHLO client.example");
        Assert.Equal("535 Incorrect authentication data", await s.Client.CommandAsync("AUTH PLAIN " + Plain("alice", "one")));
        Assert.Equal("535 Incorrect authentication data", await s.Client.CommandAsync("AUTH PLAIN " + Plain("alice", "two"))); // nonmail 1
        Assert.Equal("220 TLS go ahead", await s.Client.CommandAsync("STARTTLS"));
        await s.Client.StartTlsAsync("mx.test.example");
        await s.Client.CommandAsync("EHLO client.example");

        // The first AUTH after TLS is not a repeated one (Exim resets auth_seen), so it is not a second nonmail command.
        Assert.Equal("235 Authentication succeeded", await s.Client.CommandAsync("AUTH PLAIN " + Plain("alice", AlicePassword)));
    }
}
