using System.Net;
using Exim.Host.Configuration;
using Exim.Mail.Routing;
using Exim.TestKit;

namespace Exim.Host.Tests.Routing;

/// <summary>
/// A router's <c>local_parts</c> as Exim's local part lists (match.c): exact names, <c>*suffix</c>, <c>^regex</c>, <c>!</c>,
/// <c>+caseful</c>, and absolute file names whose lines are items; all caseless by default; files read when the
/// configuration is loaded, a missing one refused with its position. And <c>cannot_route_message</c>, which gives the
/// "Unknown user" of an address no router took.
/// </summary>
public sealed class LocalPartsOptionTests : IDisposable
{
    private readonly TempDirectory _dir = new("exim-localparts");

    public void Dispose() => _dir.Dispose();

    private static string Config(string localParts, string extra = "") => $"""
        primary_hostname = "mx.test.example"
        [[transports]]
        name = "local_delivery"
        driver = "maildir"
        directory = "/tmp/$local_part"
        [[routers]]
        name = "localuser"
        driver = "accept"
        local_parts = {localParts}
        transport = "local_delivery"
        {extra}
        """;

    private static AddressRouter Router(string text)
    {
        var parsed = TomlConfigLoader.Parse(text, "/test/exim.toml");
        Assert.True(parsed.Succeeded, string.Join("\n", parsed.Errors));
        return TestRouters.For(parsed.Config!);
    }

    private static async Task<RouteResult> RouteAsync(AddressRouter router, string address)
        => await router.RouteAsync(address, null, CancellationToken.None).WaitAsync(TestTimeouts.Default);

    private static async Task<bool> AcceptsAsync(AddressRouter router, string localPart)
        => (await RouteAsync(router, $"{localPart}@test.example")).Outcome == RouteOutcome.Accepted;

    [Theory]
    [InlineData("bob", true)]
    [InlineData("BOB", true)]            // caseless, as Exim matches local_parts unless caseful_local_part
    [InlineData("bobby", false)]
    [InlineData("sales-eu", true)]       // *suffix
    [InlineData("SALES-EU", true)]
    [InlineData("user42", true)]         // ^regex, caseless too
    [InlineData("USER7", true)]
    [InlineData("user", false)]
    [InlineData("root", false)]          // !negation before a pattern that would match
    public async Task Items_AreExactSuffixRegexAndNegation(string localPart, bool accepted)
    {
        var router = Router(Config("""["! root", "bob", "*-eu", "^user[0-9]+$", "*t"]"""));

        Assert.Equal(accepted, await AcceptsAsync(router, localPart));
    }

    [Theory]
    [InlineData("bob", false)]
    [InlineData("anyone", true)]
    public async Task ListEndingInANegatedItem_TakesEveryoneElse(string localPart, bool accepted)
        => Assert.Equal(accepted, await AcceptsAsync(Router(Config("""["! bob"]""")), localPart));

    [Theory]
    [InlineData("Bob", true)]
    [InlineData("bob", false)]   // +caseful: the items after it match case for case
    [InlineData("ALICE", true)]  // before it, still caseless
    public async Task Caseful_MakesTheRestOfTheListCaseSensitive(string localPart, bool accepted)
        => Assert.Equal(accepted, await AcceptsAsync(Router(Config("""["alice", "+caseful", "Bob"]""")), localPart));

    [Fact]
    public async Task AFileItem_IsTheFilesLines_WithCommentsAndBlankLinesIgnored()
    {
        var users = _dir.Write("users", """
            # the users of this host
            alice
              bob   # trailing comment after white space
            carol#x

            ! dave
            *-list
            """);
        var router = Router(Config($"""["{users}"]"""));

        Assert.True(await AcceptsAsync(router, "alice"));
        Assert.True(await AcceptsAsync(router, "BOB"));
        Assert.True(await AcceptsAsync(router, "carol#x"));     // '#' not after white space is part of the name (match.c)
        Assert.False(await AcceptsAsync(router, "carol"));
        Assert.False(await AcceptsAsync(router, "dave"));       // a negated line
        Assert.True(await AcceptsAsync(router, "staff-list"));  // lines are patterns
        Assert.False(await AcceptsAsync(router, "erin"));
        Assert.False(await AcceptsAsync(router, "# the users of this host"));
    }

    [Fact]
    public async Task ANegatedFileItem_NegatesEachLine_AndItemsAfterItStillCount()
    {
        var blocked = _dir.Write("blocked", "mallory\n");
        var router = Router(Config($"""["!{blocked}", "*"]"""));

        Assert.False(await AcceptsAsync(router, "Mallory"));
        Assert.True(await AcceptsAsync(router, "alice"));
    }

    [Fact]
    public async Task AnEmptyFile_MatchesNobody_SoTheRouterIsSkipped()
    {
        var empty = _dir.Write("empty", "# nobody yet\n\n");
        var router = Router(Config($"""["{empty}"]"""));

        Assert.False(await AcceptsAsync(router, "alice"));
    }

    [Theory]
    [InlineData("bob", "!", true, true)]     // !/empty last: the list ends negated, so everyone else is in it
    [InlineData("! bob", "", false, false)]  // /empty last: it ends positive, so nobody else is
    public async Task AnEmptyFileLast_LeavesTheEndOfTheListToItsOwnSign(string first, string negation, bool bob, bool alice)
    {
        var empty = _dir.Write("empty", "");
        var router = Router(Config($"""["{first}", "{negation}{empty}"]"""));

        Assert.Equal((bob, alice), (await AcceptsAsync(router, "bob"), await AcceptsAsync(router, "alice")));
    }

    [Fact]
    public async Task TheFileIsReadWhenTheConfigurationIsLoaded_NotAtEachCheck()
    {
        var users = _dir.Write("users", "alice\n");
        var router = Router(Config($"""["{users}"]"""));
        File.WriteAllText(users, "bob\n");

        Assert.True(await AcceptsAsync(router, "alice"));
        Assert.False(await AcceptsAsync(router, "bob"));
        Assert.True(await AcceptsAsync(Router(Config($"""["{users}"]""")), "bob")); // a reload reads it again
    }

    [Fact]
    public void AMissingFile_IsAConfigErrorWithItsPosition()
    {
        var missing = _dir.Combine("no-such-users");

        var result = TomlConfigLoader.Parse(Config($"""["alice", "{missing}"]"""), "/test/exim.toml");

        var error = Assert.Single(result.Errors);
        Assert.Equal(("/test/exim.toml", 9, 1), (error.File, error.Line, error.Column));
        Assert.Equal($"localuser router: failed to open {missing} when checking local_parts: No such file or directory", error.Message);
    }

    [Theory]
    [InlineData("""["^user[0-9"]""", "localuser router: local_parts item \"^user[0-9\" is not a valid regular expression")]
    [InlineData("""["+admins"]""", "localuser router: unknown named local part list \"+admins\" in local_parts")]
    [InlineData("""["lsearch;/etc/users"]""", "localuser router: local_parts item \"lsearch;/etc/users\" is a lookup, which is not supported (name a file of local parts instead)")]
    public void BadItems_AreConfigErrorsWithTheirPosition(string localParts, string message)
    {
        var result = TomlConfigLoader.Parse(Config(localParts), "/test/exim.toml");

        var error = Assert.Single(result.Errors);
        Assert.Equal(9, error.Line);
        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CannotRouteMessage_OfTheLastRouterTried_IsTheFailure()
    {
        var router = Router(Config("""["alice"]""", "cannot_route_message = \"Unknown user\""));

        var unknown = await RouteAsync(router, "mallory@test.example");

        Assert.Equal((RouteOutcome.Failed, "Unknown user"), (unknown.Outcome, unknown.Message));
        Assert.Null(unknown.Router); // as Exim's addr->router after "no more routers": the ** line names none
    }

    [Fact]
    public async Task WithoutCannotRouteMessage_ItIsUnrouteableAddress()
    {
        var unknown = await RouteAsync(Router(Config("""["alice"]""")), "mallory@test.example");

        Assert.Equal((RouteOutcome.Failed, "Unrouteable address"), (unknown.Outcome, unknown.Message));
    }
}
