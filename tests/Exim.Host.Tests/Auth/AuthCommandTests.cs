using Exim.Abstractions.Config;
using Exim.Abstractions.Daemon;
using Exim.Abstractions.Scripting;
using Exim.Host.Tests.Smtp;
using Exim.TestKit;
using static Exim.Host.Tests.Auth.AuthFiles;

namespace Exim.Host.Tests.Auth;

/// <summary>
/// The AUTH command in the real session (loopback socket, fake clock) with the passwd_file authenticators: where it is
/// offered, Exim's replies and log lines for every outcome, the failure limit, relay and the A= field.
/// </summary>
public sealed class AuthCommandTests : IDisposable
{
    private static readonly TlsSessionInfo Tls = new("TLS1.3", "TLS_AES_256_GCM_SHA384", 256);

    /// <summary>AUTH offered in clear to the loopback client, as an operator would set it for a test.</summary>
    internal static readonly MainOptions InClear = new()
    {
        AuthAdvertiseHosts = ["127.0.0.1"],
        AuthAdvertiseHostsSet = true,
        SmtpReceiveTimeout = TimeSpan.FromSeconds(30),
        SmtpEnforceSync = false,
        RelayFromHosts = [],
    };

    private readonly TempDirectory _files = new("exim-auth");

    public void Dispose() => _files.Dispose();

    private Task<InProcessSession> StartAsync(MainOptions? main = null, TlsSessionInfo? tls = null)
        => InProcessSession.StartAsync(main ?? InClear, authenticators: PlainAndLogin(_files), describedTls: tls);

    private static async Task<InProcessSession> EhloAsync(InProcessSession s)
    {
        Assert.StartsWith("250-", await s.Client.CommandAsync("EHLO client.example"), StringComparison.Ordinal);
        return s;
    }

    [Fact]
    public async Task Default_InClear_AuthIsNotOffered_AndRefused503()
    {
        await using var s = await StartAsync(new MainOptions { SmtpEnforceSync = false });

        var ehlo = await s.Client.CommandAsync("EHLO client.example");

        Assert.DoesNotContain("AUTH", ehlo, StringComparison.Ordinal);
        Assert.Equal("503 AUTH command used when not advertised", await s.Client.CommandAsync("AUTH PLAIN " + Plain("alice", AlicePassword)));
    }

    [Fact]
    public async Task Default_UnderTls_AuthIsOfferedInConfigurationOrder_AndAccepted()
    {
        await using var s = await StartAsync(new MainOptions { SmtpEnforceSync = false }, Tls);

        var ehlo = await s.Client.CommandAsync("EHLO client.example");

        Assert.Contains("\n250-AUTH PLAIN LOGIN\n", ehlo, StringComparison.Ordinal);
        Assert.Equal("235 Authentication succeeded", await s.Client.CommandAsync("AUTH PLAIN " + Plain("alice", AlicePassword)));
    }

    [Fact]
    public async Task AuthAdvertiseHostsSet_DecidesUnderTlsToo()
    {
        await using var s = await StartAsync(InClear with { AuthAdvertiseHosts = ["10.0.0.0/8"] }, Tls);

        var ehlo = await s.Client.CommandAsync("EHLO client.example");

        Assert.DoesNotContain("AUTH", ehlo, StringComparison.Ordinal);
        Assert.Equal("503 AUTH command used when not advertised", await s.Client.CommandAsync("AUTH PLAIN " + Plain("alice", AlicePassword)));
    }

    [Fact]
    public async Task NoAuthenticators_NothingIsOffered()
    {
        await using var s = await InProcessSession.StartAsync(InClear);

        Assert.DoesNotContain("AUTH", await s.Client.CommandAsync("EHLO client.example"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plain_InitialResponse_Succeeds()
    {
        await using var s = await EhloAsync(await StartAsync());

        Assert.Equal("235 Authentication succeeded", await s.Client.CommandAsync("AUTH PLAIN " + Plain("alice", AlicePassword)));
    }

    [Fact]
    public async Task Plain_WithoutInitialResponse_GetsAnEmptyChallenge()
    {
        await using var s = await EhloAsync(await StartAsync());

        Assert.Equal("334 ", await s.Client.CommandAsync("auth plain"));
        Assert.Equal("235 Authentication succeeded", await s.Client.CommandAsync(Plain("bob", BobPassword)));
    }

    [Fact]
    public async Task Plain_AuthorizationIdOfAnotherUser_IsRefused()
    {
        await using var s = await EhloAsync(await StartAsync());

        Assert.Equal("535 Incorrect authentication data", await s.Client.CommandAsync("AUTH PLAIN " + Plain("alice", AlicePassword, authzid: "bob")));
        Assert.Equal("235 Authentication succeeded", await s.Client.CommandAsync("AUTH PLAIN " + Plain("alice", AlicePassword, authzid: "alice")));
    }

    [Fact]
    public async Task Login_PromptsForUserAndPassword()
    {
        await using var s = await EhloAsync(await StartAsync());

        Assert.Equal("334 VXNlcm5hbWU6", await s.Client.CommandAsync("AUTH LOGIN"));
        Assert.Equal("334 UGFzc3dvcmQ6", await s.Client.CommandAsync(B64("alice")));
        Assert.Equal("235 Authentication succeeded", await s.Client.CommandAsync(B64(AlicePassword)));
    }

    [Fact]
    public async Task Login_InitialResponseIsTheUser()
    {
        await using var s = await EhloAsync(await StartAsync());

        Assert.Equal("334 UGFzc3dvcmQ6", await s.Client.CommandAsync("AUTH LOGIN " + B64("bob")));
        Assert.Equal("235 Authentication succeeded", await s.Client.CommandAsync(B64(BobPassword)));
    }

    [Fact]
    public async Task WrongPassword_535_LoggedAsExim()
    {
        await using var s = await EhloAsync(await StartAsync());

        Assert.Equal("535 Incorrect authentication data", await s.Client.CommandAsync("AUTH PLAIN " + Plain("alice", "wrong")));
        Assert.Equal("334 VXNlcm5hbWU6", await s.Client.CommandAsync("AUTH LOGIN"));
        Assert.Equal("334 UGFzc3dvcmQ6", await s.Client.CommandAsync(B64("nobody")));
        Assert.Equal("535 Incorrect authentication data", await s.Client.CommandAsync(B64("whatever")));

        Assert.True(s.Logged("plain authenticator failed for (client.example) [127.0.0.1]: 535 Incorrect authentication data (set_id=alice)"), string.Join("\n", s.Log));
        Assert.True(s.Logged("login authenticator failed for (client.example) [127.0.0.1]: 535 Incorrect authentication data (set_id=nobody)"), string.Join("\n", s.Log));
        Assert.DoesNotContain(s.Log, l => l.Contains("wrong", StringComparison.Ordinal) || l.Contains(Plain("alice", "wrong"), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Star_Cancels_501()
    {
        await using var s = await EhloAsync(await StartAsync());

        Assert.Equal("334 VXNlcm5hbWU6", await s.Client.CommandAsync("AUTH LOGIN"));
        Assert.Equal("501 Authentication cancelled", await s.Client.CommandAsync("*"));
        Assert.True(s.Logged("login authenticator failed for (client.example) [127.0.0.1]: 501 Authentication cancelled"));
        Assert.Equal("235 Authentication succeeded", await s.Client.CommandAsync("AUTH PLAIN " + Plain("alice", AlicePassword)));
    }

    [Fact]
    public async Task BadBase64_501_InTheCommandAndInAResponse()
    {
        await using var s = await EhloAsync(await StartAsync());

        Assert.Equal("501 Invalid base64 data", await s.Client.CommandAsync("AUTH PLAIN not*base64"));
        Assert.Equal("334 ", await s.Client.CommandAsync("AUTH PLAIN"));
        Assert.Equal("501 Invalid base64 data", await s.Client.CommandAsync("%%%"));
        Assert.True(s.Logged("plain authenticator failed for (client.example) [127.0.0.1]: 501 Invalid base64 data"));
    }

    [Fact]
    public async Task EqualsSign_IsAnEmptyInitialResponse()
    {
        await using var s = await EhloAsync(await StartAsync());

        // An empty PLAIN response has no user: a failure, not a challenge.
        Assert.Equal("535 Incorrect authentication data", await s.Client.CommandAsync("AUTH PLAIN ="));
    }

    [Fact]
    public async Task UnknownMechanism_504_AndBadCharacters_501()
    {
        await using var s = await EhloAsync(await StartAsync());

        Assert.Equal("504 CRAM-MD5 authentication mechanism not supported", await s.Client.CommandAsync("AUTH CRAM-MD5"));
        Assert.Equal("501 invalid character in authentication mechanism name", await s.Client.CommandAsync("AUTH PL/AIN"));
    }

    [Fact]
    public async Task OutOfPlace_503()
    {
        await using var s = await StartAsync();

        Assert.Equal("503 AUTH command used when not advertised", await s.Client.CommandAsync("AUTH PLAIN " + Plain("alice", AlicePassword)));
        Assert.StartsWith("250 ", await s.Client.CommandAsync("HELO client.example"), StringComparison.Ordinal);
        Assert.Equal("503 AUTH command used when not advertised", await s.Client.CommandAsync("AUTH PLAIN " + Plain("alice", AlicePassword)));
        await EhloAsync(s);
        Assert.Equal("250 OK", await s.Client.CommandAsync("MAIL FROM:<a@test.example>"));
        Assert.Equal("503 not permitted in mail transaction", await s.Client.CommandAsync("AUTH PLAIN " + Plain("alice", AlicePassword)));
    }

    [Fact]
    public async Task Twice_503AlreadyAuthenticated()
    {
        await using var s = await EhloAsync(await StartAsync(InClear with { SmtpMaxSynprotErrors = 10 }));

        Assert.Equal("235 Authentication succeeded", await s.Client.CommandAsync("AUTH PLAIN " + Plain("alice", AlicePassword)));
        Assert.Equal("503 already authenticated", await s.Client.CommandAsync("AUTH PLAIN " + Plain("bob", BobPassword)));
    }

    [Fact]
    public async Task TooManyFailures_421_AndDropped()
    {
        await using var s = await EhloAsync(await StartAsync());

        Assert.Equal("535 Incorrect authentication data", await s.Client.CommandAsync("AUTH PLAIN " + Plain("alice", "one")));
        Assert.Equal("535 Incorrect authentication data", await s.Client.CommandAsync("AUTH PLAIN " + Plain("alice", "two")));
        Assert.Equal("535 Incorrect authentication data", await s.Client.CommandAsync("AUTH PLAIN " + Plain("alice", "three")));
        Assert.Equal("421 mx.test.example: too many authentication failures - closing connection", await s.Client.ReadReplyAsync());

        Assert.True(await s.Client.IsClosedAsync(TestTimeouts.Default));
        Assert.Equal(SessionOutcome.Closed, (await s.EndAsync()).Outcome);
        Assert.True(s.Logged("SMTP call from (client.example) [127.0.0.1] dropped: too many authentication failures (3)"));
    }

    [Fact]
    public async Task FailureLimitZero_NeverDrops()
    {
        await using var s = await EhloAsync(await StartAsync(InClear with { SmtpMaxAuthFailures = 0 }));

        for (var i = 0; i < 5; i++) Assert.Equal("535 Incorrect authentication data", await s.Client.CommandAsync("AUTH PLAIN " + Plain("alice", "no")));
        Assert.Equal("235 Authentication succeeded", await s.Client.CommandAsync("AUTH PLAIN " + Plain("alice", AlicePassword)));
    }

    [Fact]
    public async Task SilentClientAfterAChallenge_TimesOut421()
    {
        await using var s = await EhloAsync(await StartAsync());

        Assert.Equal("334 ", await s.Client.CommandAsync("AUTH PLAIN"));
        await s.AdvanceUntilAsync(TimeSpan.FromSeconds(2), () => s.Logged("SMTP command timeout on connection from"), "the command timeout");

        Assert.Equal("421 mx.test.example: SMTP command timeout - closing connection", await s.Client.ReadReplyAsync());
        Assert.Equal(SessionOutcome.Timeout, (await s.EndAsync()).Outcome);
    }

    [Fact]
    public async Task RepeatedAuth_CountsAsNonmail_AfterTheFirst()
    {
        await using var s = await EhloAsync(await StartAsync(InClear with { SmtpAcceptMaxNonmail = 1, SmtpMaxAuthFailures = 0 }));

        Assert.Equal("535 Incorrect authentication data", await s.Client.CommandAsync("AUTH PLAIN " + Plain("alice", "one")));
        Assert.Equal("535 Incorrect authentication data", await s.Client.CommandAsync("AUTH PLAIN " + Plain("alice", "two")));
        Assert.Equal("554 Too many nonmail commands", await s.Client.CommandAsync("AUTH PLAIN " + Plain("alice", "three")));
        Assert.True(s.Logged("dropped: too many nonmail commands (last was \"AUTH\")"));
    }

    [Fact]
    public async Task Relay_OnlyForAuthenticatedClients()
    {
        await using var s = await EhloAsync(await StartAsync());

        Assert.Equal("250 OK", await s.Client.CommandAsync("MAIL FROM:<alice@test.example>"));
        Assert.Equal("550 relay not permitted", await s.Client.CommandAsync("RCPT TO:<someone@elsewhere.example>"));
        Assert.Equal("250 Reset OK", await s.Client.CommandAsync("RSET"));
        Assert.Equal("235 Authentication succeeded", await s.Client.CommandAsync("AUTH PLAIN " + Plain("alice", AlicePassword)));

        var reply = await s.Client.SendMessageAsync("alice@test.example", "someone@elsewhere.example", "Subject: hi\r\n\r\nhello");

        Assert.StartsWith("250 OK id=", reply, StringComparison.Ordinal);
        var id = reply["250 OK id=".Length..];
        Assert.True(s.Logged($"{id} <= alice@test.example H=(client.example) [127.0.0.1] P=esmtpa A=plain:alice S="), string.Join("\n", s.Log));
        var header = File.ReadAllText(Path.Combine(s.InputDirectory, id + "-H"), System.Text.Encoding.Latin1);
        Assert.Contains("\tby mx.test.example with esmtpa (Exim 4.96)\n", header, StringComparison.Ordinal);
        Assert.Contains("\n-host_auth plain\n-host_auth_pubname PLAIN\n", header, StringComparison.Ordinal);
        Assert.Contains("\n-auth_id alice\n", header, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnderTls_TheProtocolIsEsmtpsa()
    {
        await using var s = await EhloAsync(await StartAsync(InClear, Tls));
        Assert.Equal("334 UGFzc3dvcmQ6", await s.Client.CommandAsync("AUTH LOGIN " + B64("bob")));
        Assert.Equal("235 Authentication succeeded", await s.Client.CommandAsync(B64(BobPassword)));

        var reply = await s.Client.SendMessageAsync("bob@test.example", "user@test.example", "Subject: hi\r\n\r\nhello");

        var id = reply["250 OK id=".Length..];
        Assert.True(s.Logged($"{id} <= bob@test.example H=(client.example) [127.0.0.1] P=esmtpsa X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=no A=login:bob S="), string.Join("\n", s.Log));
    }

    [Fact]
    public async Task MailAuthParameter_FromAStranger_IsIgnoredAndLogged_BadXtextIs501()
    {
        await using var s = await EhloAsync(await StartAsync());

        Assert.Equal("250 OK", await s.Client.CommandAsync("MAIL FROM:<a@test.example> AUTH=<>"));
        Assert.Equal("250 Reset OK", await s.Client.CommandAsync("RSET"));
        Assert.Equal("250 OK", await s.Client.CommandAsync("MAIL FROM:<a@test.example> AUTH=a+2Bb@test.example"));
        Assert.Equal("250 Reset OK", await s.Client.CommandAsync("RSET"));
        Assert.Equal("501 invalid data for AUTH", await s.Client.CommandAsync("MAIL FROM:<a@test.example> AUTH=a+zz"));

        Assert.True(s.Logged("ignoring AUTH=a+2Bb@test.example from H=(client.example) [127.0.0.1] (client not authenticated)"), string.Join("\n", s.Log));
    }

    [Fact]
    public async Task MailAuthParameter_FromAnAuthenticatedClient_IsKeptInTheSpool()
    {
        await using var s = await EhloAsync(await StartAsync());
        Assert.Equal("235 Authentication succeeded", await s.Client.CommandAsync("AUTH PLAIN " + Plain("alice", AlicePassword)));

        Assert.Equal("250 OK", await s.Client.CommandAsync("MAIL FROM:<alice@test.example> AUTH=alice+2Bx@test.example"));
        Assert.Equal("250 Accepted", await s.Client.CommandAsync("RCPT TO:<user@test.example>"));
        Assert.Equal("354 Enter message, ending with \".\" on a line by itself", await s.Client.CommandAsync("DATA"));
        var reply = await s.Client.CommandAsync("Subject: x\r\n\r\nbody\r\n.");

        var header = File.ReadAllText(Path.Combine(s.InputDirectory, reply["250 OK id=".Length..] + "-H"), System.Text.Encoding.Latin1);
        Assert.Contains("\n-auth_sender alice+x@test.example\n", header, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerificationSlots_AllTaken_AuthWaitsForOne()
    {
        using var slots = new SemaphoreSlim(1, 1);
        await using var s = await EhloAsync(await InProcessSession.StartAsync(InClear, authenticators: PlainAndLogin(_files, slots)));
        await slots.WaitAsync(TestTimeouts.Default); // another session's verification

        await s.Client.SendRawAsync("AUTH PLAIN " + Plain("alice", AlicePassword) + "\r\n");
        Assert.Null(await s.ReplyIfAnyAsync());
        slots.Release();

        Assert.Equal("235 Authentication succeeded", await s.Client.ReadReplyAsync());
    }

    [Fact]
    public async Task AnAuthenticatorThatDoesNotAnswer_435_AfterTheReceiveTimeout()
    {
        using var slots = new SemaphoreSlim(1, 1);
        await using var s = await EhloAsync(await InProcessSession.StartAsync(InClear, authenticators: PlainAndLogin(_files, slots)));
        await slots.WaitAsync(TestTimeouts.Default); // never released: the check cannot start

        await s.Client.SendRawAsync("AUTH PLAIN " + Plain("alice", AlicePassword) + "\r\n");
        // Steps well under smtp_receive_timeout: the clock cannot run on into the next command's timeout.
        await s.AdvanceUntilAsync(TimeSpan.FromSeconds(2),
            () => s.Logged("plain authenticator failed for (client.example) [127.0.0.1]: 435 Unable to authenticate at present: no answer within 30s"), "the 435");

        Assert.Equal("435 Unable to authenticate at present", await s.Client.ReadReplyAsync());
        Assert.Equal("250 OK", await s.Client.CommandAsync("NOOP"));
    }
    [Fact]
    public async Task AnAuthenticatorThatChallengesForever_435_AfterSixteenChallenges()
    {
        var endless = new Mail.Smtp.Auth.Authenticator("endless", "ENDLESS", new AlwaysChallenges());
        await using var s = await EhloAsync(await InProcessSession.StartAsync(InClear, authenticators: [endless]));

        Assert.Equal("334 bW9yZT8=", await s.Client.CommandAsync("AUTH ENDLESS"));
        for (var i = 1; i < 16; i++) Assert.Equal("334 bW9yZT8=", await s.Client.CommandAsync(B64("answer")));
        Assert.Equal("435 Unable to authenticate at present", await s.Client.CommandAsync(B64("answer")));

        Assert.True(s.Logged("endless authenticator failed for (client.example) [127.0.0.1]: 435 Unable to authenticate at present: more than 16 challenges"), string.Join("\n", s.Log));
        Assert.Equal("250 OK", await s.Client.CommandAsync("NOOP"));
    }

    /// <summary>A mechanism that never decides: it asks "more?" after every answer.</summary>
    private sealed class AlwaysChallenges : Abstractions.Auth.IServerAuthenticator, Abstractions.Auth.ISaslConversation
    {
        public Abstractions.Auth.ISaslConversation Start(AcceptConnection connection) => this;

        public ValueTask<Abstractions.Auth.SaslStep> NextAsync(ReadOnlyMemory<byte>? response, CancellationToken cancellationToken)
            => ValueTask.FromResult(Abstractions.Auth.SaslStep.Ask("more?"u8.ToArray()));

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
