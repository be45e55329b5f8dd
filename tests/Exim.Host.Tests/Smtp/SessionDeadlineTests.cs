using Exim.Abstractions.Config;
using Exim.Abstractions.Daemon;

namespace Exim.Host.Tests.Smtp;

/// <summary>
/// Slowloris: the session's deadlines on a fake clock. A command line must be whole within smtp_receive_timeout, DATA
/// must keep up smtp_min_data_rate, and MAIL must come within smtp_premail_timeout; a client that keeps to them is
/// never cut off, however long it takes in all.
/// </summary>
public sealed class SessionDeadlineTests
{
    private static readonly MainOptions Base = new()
    {
        SmtpReceiveTimeout = TimeSpan.FromSeconds(10),
        SmtpPremailTimeout = TimeSpan.Zero,
        SmtpEnforceSync = false,
    };

    /// <summary>Sends <paramref name="chunk"/>, then moves the clock on by <paramref name="step"/>, until a reply comes (or <paramref name="maxSteps"/>).</summary>
    private static async Task<(int Step, string? Reply)> TrickleAsync(InProcessSession s, Func<int, string> chunk, TimeSpan step, int maxSteps)
    {
        for (var i = 1; i <= maxSteps; i++)
        {
            await s.Client.SendRawAsync(chunk(i));
            await InProcessSession.SettleAsync();
            s.Time.Advance(step);
            if (await s.ReplyIfAnyAsync() is { } reply) return (i, reply);
        }
        return (maxSteps, null);
    }

    [Fact]
    public async Task CommandTrickledByteByByte_TimesOutAfterTheReceiveTimeoutInTotal_NotPerByte()
    {
        await using var s = await InProcessSession.StartAsync(Base);

        // One byte every 2 s: each read comes well within 10 s, but the line does not.
        var (step, reply) = await TrickleAsync(s, i => "NOOP xxxxxxxxxxxxxxxxxxxxxxxx"[(i - 1) % 29].ToString(), TimeSpan.FromSeconds(2), 20);

        Assert.Equal("421 mx.test.example: SMTP command timeout - closing connection", reply);
        Assert.InRange(step, 5, 6); // 10 s after the greeting (one step more if the clock moved before the session started waiting)
        Assert.True(s.Logged("SMTP command timeout on connection from [127.0.0.1]"));
        Assert.Equal(SessionOutcome.Timeout, (await s.EndAsync()).Outcome);
    }

    [Fact]
    public async Task WholeCommandLines_EachWithinTheTimeout_NeverTimeOut()
    {
        await using var s = await InProcessSession.StartAsync(Base with { SmtpAcceptMaxNonmail = 100 });

        for (var i = 0; i < 6; i++) // 48 s in all, 8 s per line
        {
            s.Time.Advance(TimeSpan.FromSeconds(8));
            Assert.Equal("250 OK", await s.Client.CommandAsync("NOOP"));
        }
    }

    [Fact]
    public async Task DataBelowTheRateFloor_IsCutOff_WithTheDataTimeout()
    {
        await using var s = await InProcessSession.StartAsync(Base with { SmtpMinDataRate = 100 });
        await StartDataAsync(s);

        // 10 bytes a second against a floor of 100: each second costs 0.9 s of the 10 s budget.
        var (step, reply) = await TrickleAsync(s, _ => "123456789\n", TimeSpan.FromSeconds(1), 30);

        Assert.Equal("421 mx.test.example: SMTP incoming data timeout - closing connection", reply);
        Assert.InRange(step, 11, 13);
        Assert.True(s.Logged("SMTP data timeout (message abandoned) on connection from (c.example) [127.0.0.1] F=<a@b.example>: data rate below smtp_min_data_rate"));
        Assert.Empty(Directory.GetFiles(s.InputDirectory));
    }

    [Fact]
    public async Task DataAtTheRateFloor_TakesAsLongAsItNeeds()
    {
        await using var s = await InProcessSession.StartAsync(Base with { SmtpMinDataRate = 100 });
        await StartDataAsync(s);

        // 120 bytes a second for 25 s: longer than smtp_receive_timeout, faster than the floor.
        var (_, reply) = await TrickleAsync(s, _ => new string('x', 118) + "\r\n", TimeSpan.FromSeconds(1), 25);
        Assert.Null(reply);

        Assert.StartsWith("250 OK id=", await s.Client.CommandAsync("."), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SilenceInData_IsEximsDataTimeout()
    {
        await using var s = await InProcessSession.StartAsync(Base with { SmtpMinDataRate = 100 });
        await StartDataAsync(s);

        s.Time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal("421 mx.test.example: SMTP incoming data timeout - closing connection", await s.Client.ReadReplyAsync());
        Assert.True(s.Logged("SMTP data timeout (message abandoned) on connection from (c.example) [127.0.0.1] F=<a@b.example>"));
        Assert.False(s.Logged("data rate below"));
    }

    [Fact]
    public async Task NoMailWithinThePremailTimeout_ClosesTheSession()
    {
        await using var s = await InProcessSession.StartAsync(Base with { SmtpPremailTimeout = TimeSpan.FromSeconds(30) });

        // A NOOP every 8 s keeps within smtp_receive_timeout, but never gets to MAIL.
        string? reply = null;
        var step = 0;
        while (reply is null && step < 10)
        {
            step++;
            s.Time.Advance(TimeSpan.FromSeconds(8));
            reply = await s.ReplyIfAnyAsync();
            if (reply is null) Assert.Equal("250 OK", await s.Client.CommandAsync("NOOP"));
        }

        Assert.Equal("421 mx.test.example: SMTP command timeout - closing connection", reply);
        Assert.Equal(4, step);
        Assert.True(s.Logged("SMTP command timeout on connection from [127.0.0.1]: no MAIL command within smtp_premail_timeout (30s)"));
    }

    [Fact]
    public async Task AfterMail_ThePremailTimeoutNoLongerApplies()
    {
        await using var s = await InProcessSession.StartAsync(Base with { SmtpPremailTimeout = TimeSpan.FromSeconds(30) });
        await s.Client.CommandAsync("EHLO c.example");
        Assert.Equal("250 OK", await s.Client.CommandAsync("MAIL FROM:<a@b.example>"));

        for (var i = 0; i < 6; i++)
        {
            s.Time.Advance(TimeSpan.FromSeconds(8));
            Assert.Equal("250 OK", await s.Client.CommandAsync("NOOP"));
        }
    }

    [Fact]
    public async Task ZeroTimeouts_MeanNoLimit()
    {
        await using var s = await InProcessSession.StartAsync(Base with { SmtpReceiveTimeout = TimeSpan.Zero });

        s.Time.Advance(TimeSpan.FromHours(1));
        Assert.Equal("250 OK", await s.Client.CommandAsync("NOOP"));

        // DATA in several reads, an hour apart: with no timeout the rate floor has nothing to move.
        await StartDataAsync(s);
        for (var i = 0; i < 3; i++)
        {
            await s.Client.SendRawAsync($"line {i}\r\n");
            await InProcessSession.SettleAsync();
            s.Time.Advance(TimeSpan.FromHours(1));
            Assert.Null(await s.ReplyIfAnyAsync());
        }
        Assert.StartsWith("250 OK id=", await s.Client.CommandAsync("."), StringComparison.Ordinal);
    }

    private static async Task StartDataAsync(InProcessSession s)
    {
        await s.Client.CommandAsync("EHLO c.example");
        Assert.Equal("250 OK", await s.Client.CommandAsync("MAIL FROM:<a@b.example>"));
        Assert.Equal("250 Accepted", await s.Client.CommandAsync("RCPT TO:<x@test.example>"));
        Assert.StartsWith("354 ", await s.Client.CommandAsync("DATA"), StringComparison.Ordinal);
    }
}
