using Exim.Abstractions.Policy;
using Exim.Abstractions.Scripting;

namespace MyPlugin;

/// <summary>At RCPT, refuses recipients whose local part starts with the configured prefix; accepts everything else.</summary>
public sealed class RecipientPrefixPolicy(string prefix) : IStagePolicy
{
    public bool Handles(SmtpStage stage) => stage == SmtpStage.Rcpt;

    public ValueTask<Verdict> DecideAsync(StageContext stage, CancellationToken cancellationToken)
        => new(stage.Recipient is { } recipient && Refuses(recipient)
            ? Verdict.Reject("recipient refused by MyPlugin", status: "5.7.1")
            : Verdict.Accept);

    public bool Refuses(string recipient) => recipient.StartsWith(prefix, StringComparison.OrdinalIgnoreCase);
}
