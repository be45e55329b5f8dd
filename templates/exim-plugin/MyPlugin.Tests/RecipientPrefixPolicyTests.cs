using Exim.Abstractions.Policy;
using Xunit;

namespace MyPlugin.Tests;

public sealed class RecipientPrefixPolicyTests
{
    [Fact]
    public void Refuses_only_recipients_with_the_prefix_and_only_at_rcpt()
    {
        var policy = new RecipientPrefixPolicy("blocked-");

        Assert.True(policy.Refuses("blocked-joe@example.com"));
        Assert.False(policy.Refuses("joe@example.com"));
        Assert.True(policy.Handles(SmtpStage.Rcpt));
        Assert.False(policy.Handles(SmtpStage.Data));
    }
}
