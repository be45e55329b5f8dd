using System.Net;
using Exim.Abstractions.Config;
using Exim.Abstractions.Policy;
using Exim.Host.Configuration;
using Exim.Mail.Routing;
using Exim.TestKit;
using Microsoft.Extensions.Logging.Abstractions;

namespace Exim.Host.Tests.Routing;

/// <summary>
/// Exim's router options for verification (route.c's check_router_conditions): <c>verify</c> / <c>verify_recipient</c> /
/// <c>verify_sender</c> leave a router out of that kind of verification, <c>verify_only</c> leaves it out of deliveries and
/// <c>-bt</c>, <c>fail_verify</c> turns its acceptance into a verification failure. Accept routers only, so no DNS is needed.
/// </summary>
public sealed class RouterVerifyOptionTests
{
    private static LoadedConfig Parse(string routers)
    {
        var parsed = TomlConfigLoader.Parse($"""
            primary_hostname = "mx.test.example"
            [[transports]]
            name = "local_delivery"
            driver = "maildir"
            directory = "/tmp/$local_part"
            {routers}
            """, "/test/exim.toml");
        Assert.True(parsed.Succeeded, string.Join("\n", parsed.Errors));
        return parsed.Config!;
    }

    private static AddressRouter Router(LoadedConfig config) => TestRouters.For(config);

    private static AddressVerifier Verifier(LoadedConfig config) => new(Router(config), config.Config.Main, NullLogger.Instance);

    private static string Accept(string name, string options = "") => $"""
        [[routers]]
        name = "{name}"
        driver = "accept"
        transport = "local_delivery"
        {options}

        """;

    private static async Task<VerifyResult> RecipientAsync(LoadedConfig config, string address)
        => await Verifier(config).VerifyRecipientAsync(address, CancellationToken.None).WaitAsync(TestTimeouts.Default);

    private static async Task<VerifyResult> SenderAsync(LoadedConfig config, string address)
        => await Verifier(config).VerifySenderAsync(address, CancellationToken.None).WaitAsync(TestTimeouts.Default);

    private static async Task<RouteResult> DeliveryRouteAsync(LoadedConfig config, string address)
        => await Router(config).RouteAsync(address, null, CancellationToken.None).WaitAsync(TestTimeouts.Default);

    [Fact]
    public async Task VerifyFalse_RouterIsSkippedWhenVerifying_ButDeliversAsBefore()
    {
        // A catch-all that takes mail for anyone must not make every address verify.
        var config = Parse(Accept("users", "local_parts = [\"alice\"]") + Accept("catchall", "verify = false"));

        Assert.Equal("catchall", (await DeliveryRouteAsync(config, "mallory@test.example")).Router);
        Assert.Equal(new VerifyResult(VerifyStatus.Undeliverable, "Unrouteable address"), await RecipientAsync(config, "mallory@test.example"));
        Assert.Equal(VerifyStatus.Undeliverable, (await SenderAsync(config, "mallory@test.example")).Status);
        Assert.Equal(new VerifyResult(VerifyStatus.Deliverable, Router: "users"), await RecipientAsync(config, "alice@test.example"));
    }

    [Fact]
    public async Task VerifyRecipientFalse_SkipsOnlyRecipientVerification_AndVerifySenderFalseOnlySenders()
    {
        var config = Parse(Accept("senders", "verify_recipient = false") + Accept("recipients", "verify_sender = false\ndomains = [\"rcpt.example\"]"));

        Assert.Equal("senders", (await SenderAsync(config, "a@x.example")).Router);
        Assert.Equal(VerifyStatus.Undeliverable, (await RecipientAsync(config, "a@x.example")).Status);
        Assert.Equal("recipients", (await RecipientAsync(config, "a@rcpt.example")).Router);
    }

    [Fact]
    public async Task VerifyOnly_RouterRunsOnlyWhenVerifying()
    {
        var config = Parse(Accept("checker", "verify_only = true\nlocal_parts = [\"alice\"]") + Accept("deliver"));

        Assert.Equal("checker", (await RecipientAsync(config, "alice@test.example")).Router);
        Assert.Equal("checker", (await SenderAsync(config, "alice@test.example")).Router);
        Assert.Equal("deliver", (await DeliveryRouteAsync(config, "alice@test.example")).Router);
    }

    [Fact]
    public async Task FailVerify_TurnsAnAcceptanceIntoAVerificationFailure_WithEximsText()
    {
        var config = Parse(Accept("discarded", "fail_verify = true\nlocal_parts = [\"noreply\"]") + Accept("deliver", "fail_verify_sender = true"));

        Assert.Equal(new VerifyResult(VerifyStatus.Undeliverable, "discarded router forced verify failure", "discarded"),
            await RecipientAsync(config, "noreply@test.example"));
        Assert.Equal(VerifyStatus.Undeliverable, (await SenderAsync(config, "noreply@test.example")).Status);
        Assert.Equal(VerifyStatus.Deliverable, (await RecipientAsync(config, "alice@test.example")).Status);
        Assert.Equal(new VerifyResult(VerifyStatus.Undeliverable, "deliver router forced verify failure", "deliver"), await SenderAsync(config, "alice@test.example"));
        Assert.Equal(RouteOutcome.Accepted, (await DeliveryRouteAsync(config, "noreply@test.example")).Outcome);
    }

    [Fact]
    public void Composites_SetBoth_AndAnExplicitOptionBesideThemWins()
    {
        var config = Parse(Accept("a", "verify = false") + Accept("b", "verify = false\nverify_sender = true") + Accept("c", "fail_verify = true")
            + Accept("d"));

        Assert.Equal((false, false), (config.Config.Routers[0].VerifySender, config.Config.Routers[0].VerifyRecipient));
        Assert.Equal((true, false), (config.Config.Routers[1].VerifySender, config.Config.Routers[1].VerifyRecipient));
        Assert.Equal((true, true), (config.Config.Routers[2].FailVerifySender, config.Config.Routers[2].FailVerifyRecipient));
        Assert.Equal((true, true, false, false, false), (config.Config.Routers[3].VerifySender, config.Config.Routers[3].VerifyRecipient,
            config.Config.Routers[3].VerifyOnly, config.Config.Routers[3].FailVerifySender, config.Config.Routers[3].FailVerifyRecipient)); // Exim's defaults
    }

    [Fact]
    public void Composite_ThatIsNotABoolean_IsAnErrorWithItsPosition()
    {
        var result = TomlConfigLoader.Parse("""
            [[transports]]
            name = "local_delivery"
            driver = "maildir"
            directory = "/tmp/$local_part"
            [[routers]]
            name = "a"
            driver = "accept"
            transport = "local_delivery"
            verify = "no"
            """, "/test/exim.toml");

        var error = Assert.Single(result.Errors);
        Assert.Equal((9, 1), (error.Line, error.Column));
        Assert.Equal("invalid value for \"verify\" in routers \"a\": expected true or false, found the string \"no\"", error.Message);
    }

    [Fact]
    public async Task NoMoreRouters_AfterADeclineWithMoreFalse_NamesNoRouter_AndTakesItsCannotRouteMessage()
    {
        // A router that runs and declines ends routing with more = false (one its preconditions skip does not).
        var config = Parse("""
            [[routers]]
            name = "smarthost"
            driver = "manualroute"
            route_list = ["other.example 192.0.2.1"]
            transport = "local_delivery"
            more = false
            cannot_route_message = "No such person"

            """ + Accept("never"));

        var result = await DeliveryRouteAsync(config, "bob@test.example");

        Assert.Equal((RouteOutcome.Failed, null, "No such person"), (result.Outcome, result.Router, result.Message));
    }
}
