using Exim.Abstractions.Policy;
using Exim.Abstractions.Scripting;

namespace Exim.TestPlugin;

/// <summary>
/// A plugin's stage policy for the tests: at RCPT it refuses <c>plugin-reject@...</c> and <c>both-reject@...</c> (which the
/// test script refuses too, with its own text: whichever runs first in [hooks] order answers); at DATA it adds a header.
/// It does not take part at HELO.
/// </summary>
internal sealed class TestStagePolicy : IStagePolicy
{
    public bool Handles(SmtpStage stage) => stage != SmtpStage.Helo;

    public ValueTask<Verdict> DecideAsync(StageContext stage, CancellationToken cancellationToken)
    {
        if (stage.Stage == SmtpStage.Rcpt && stage.Recipient is { } recipient
            && (recipient.StartsWith("plugin-reject@", StringComparison.Ordinal) || recipient.StartsWith("both-reject@", StringComparison.Ordinal)))
        {
            return new(Verdict.Reject($"refused by the test plugin at {stage.Stage}", status: "5.7.1"));
        }
        if (stage.Stage == SmtpStage.Data && stage.Message is { } message)
        {
            return new(Verdict.Accept.AddHeader("X-Test-Plugin", $"saw {message.Headers.Count} headers from {stage.Connection.RemoteAddress}"));
        }
        return new(Verdict.Accept);
    }
}
