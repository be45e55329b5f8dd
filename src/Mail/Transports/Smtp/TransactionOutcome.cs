using System.Collections.Immutable;

namespace Exim.Mail.Transports.Smtp;

/// <summary>A transaction's results for the recipients it decided, and the host error that stopped it, if any.</summary>
internal sealed record TransactionOutcome(ImmutableArray<Delivery.RecipientResult> Results, TransactionError? HostError);
