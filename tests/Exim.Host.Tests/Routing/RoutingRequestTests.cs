using System.Collections.Concurrent;
using Exim.Abstractions.Routing;
using Exim.Host.Configuration;
using Exim.Mail.Routing;
using Exim.TestKit;

namespace Exim.Host.Tests.Routing;

/// <summary>What a router driver is told about the address it routes: the message, its sender, the purpose and the ancestors.</summary>
public sealed class RoutingRequestTests
{
    /// <summary>Records every request; <c>alias</c> redirects to <c>target</c>, the rest are accepted.</summary>
    private sealed class RecordingDriver : IRouterDriver
    {
        public ConcurrentQueue<RoutingRequest> Seen { get; } = new();

        public IRouter Create(RouterDefinition definition) => new Router(Seen);

        private sealed class Router(ConcurrentQueue<RoutingRequest> seen) : IRouter
        {
            public ValueTask<RouterResult> RouteAsync(RoutingRequest request, CancellationToken cancellationToken)
            {
                seen.Enqueue(request);
                return ValueTask.FromResult(request.LocalPart switch
                {
                    "alias" => RouterResult.Redirect([new RedirectItem(RedirectItemKind.Address, $"target@{request.Domain}")]),
                    "evil" => RouterResult.Redirect([new RedirectItem(RedirectItemKind.Address, $"a\r\nRSET@{request.Domain}")]),
                    "piper" => RouterResult.Redirect([new RedirectItem(RedirectItemKind.Pipe, "/bin/true", "local_delivery"),
                        new RedirectItem(RedirectItemKind.Address, $"target@{request.Domain}")]),
                    _ => RouterResult.Accept("local_delivery"),
                });
            }
        }
    }

    private static AddressRouter Router(RecordingDriver driver)
    {
        var parsed = TomlConfigLoader.Parse("""
            primary_hostname = "test.example"
            [[routers]]
            name = "recording"
            driver = "recording"
            [[transports]]
            name = "local_delivery"
            driver = "maildir"
            directory = "/tmp/$local_part"
            """, "/test/exim.toml");
        Assert.True(parsed.Succeeded, string.Join("\n", parsed.Errors));
        return TestRouters.For(parsed.Config!, extra: new Dictionary<string, IRouterDriver> { ["recording"] = driver });
    }

    [Fact]
    public async Task ADelivery_TellsTheRouterTheMessageItsSenderAndTheAncestors()
    {
        var driver = new RecordingDriver();
        var router = Router(driver);

        var results = await router.ExpandAsync("alias@test.example", "1abcde-000000-AA", "sender@elsewhere.example", new RedirectBudget(), null,
            CancellationToken.None).WaitAsync(TestTimeouts.Default);

        Assert.Equal("target@test.example", Assert.Single(results).Address);
        var requests = driver.Seen.ToArray();
        Assert.Equal(2, requests.Length);
        Assert.All(requests, r =>
        {
            Assert.Equal("1abcde-000000-AA", r.MessageId);
            Assert.Equal("sender@elsewhere.example", r.Sender);
            Assert.Equal(RoutingPurpose.Delivery, r.Purpose);
        });
        Assert.Empty(requests[0].Ancestors);
        Assert.Equal(new RoutedAncestor("alias@test.example", "recording"), Assert.Single(requests[1].Ancestors));
    }

    [Fact]
    public async Task AChildWithALineEnd_DefersItsParent_NothingOfItIsKept()
    {
        var results = await Router(new RecordingDriver()).ExpandAsync("evil@test.example", "1abcde-000000-AA", "", new RedirectBudget(), null,
            CancellationToken.None).WaitAsync(TestTimeouts.Default);

        var result = Assert.Single(results);
        Assert.Equal(RouteOutcome.Deferred, result.Outcome);
        Assert.Equal("evil@test.example", result.Address);
        Assert.Contains("control character", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APipeDeliveredOnAnEarlierAttempt_IsNotRunAgain()
    {
        var router = Router(new RecordingDriver());
        var first = await router.ExpandAsync("piper@test.example", "1abcde-000000-AA", "", new RedirectBudget(), null,
            CancellationToken.None).WaitAsync(TestTimeouts.Default);
        var pipe = Assert.Single(first, r => r.Kind == RedirectItemKind.Pipe);
        Assert.Equal("|/bin/true", pipe.Address);

        // The spool's non-recipients tree holds the pipe's unique address once it was delivered.
        var again = await router.ExpandAsync("piper@test.example", "1abcde-000000-AA", "", new RedirectBudget(), u => u == pipe.Unique,
            CancellationToken.None).WaitAsync(TestTimeouts.Default);

        Assert.Equal("target@test.example", Assert.Single(again).Address);
    }
}
