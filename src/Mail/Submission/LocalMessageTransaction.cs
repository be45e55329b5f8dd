using Exim.Mail.Smtp.Policy;

namespace Exim.Mail.Submission;

/// <summary>What the not_smtp stage's policies read of a locally submitted message's envelope: no HELO, no SIZE.</summary>
internal sealed record LocalMessageTransaction(string Sender, IReadOnlyList<string> Recipients) : ITransactionView
{
    public string? Helo => null;

    public long DeclaredSize => -1;
}
