using Exim.Abstractions.Routing;
using Exim.Abstractions.Scripting;

namespace Exim.Abstractions.Transports;

/// <summary>One recipient's outcome, as a value.</summary>
/// <param name="Address">The recipient's <see cref="DeliveryRecipient.Address"/>.</param>
/// <param name="Kind">Delivered, deferred or failed.</param>
/// <param name="Message">Why it was deferred or failed (the log and bounce text), e.g. the server's reply.</param>
public sealed record RecipientOutcome(string Address, RecipientOutcomeKind Kind, string? Message = null)
{
    /// <summary>The host it was delivered to or failed at (<c>H=</c>), for transports that talk to one.</summary>
    public RoutedHost? Host { get; init; }

    /// <summary>The server's confirmation (<c>C="250 2.0.0 Ok"</c>), logged with <c>+smtp_confirmation</c>.</summary>
    public string? Confirmation { get; init; }

    /// <summary>The TLS session the outcome came over (<c>X=</c>, <c>CV=</c>), or null.</summary>
    public TlsSessionInfo? Tls { get; init; }

    /// <summary>
    /// For a deferral: the retry key it is retried under (Exim's <c>T:host:ip</c> or <c>R:address</c> forms); null means
    /// the address's own key.
    /// </summary>
    public string? RetryKey { get; init; }

    /// <summary>
    /// Exim's error number for the address (<c>basic_errno</c>), shown in <c>defer (n)</c> lines: a positive system errno
    /// (its text follows, as in <c>defer (111): Connection refused</c>) or one of Exim's negative codes, which retry rules
    /// also match on (-44 a 4xx to RCPT: <c>rcpt_4xx</c>, -45 to MAIL: <c>mail_4xx</c>, -46 to DATA or after it:
    /// <c>data_4xx</c>); 0 when there is none.
    /// </summary>
    public int Errno { get; init; }

    /// <summary>For a deferral: freeze the message rather than retry it.</summary>
    public bool Freeze { get; init; }

    /// <summary>Delivered, with an optional confirmation.</summary>
    public static RecipientOutcome Delivered(string address, string? confirmation = null) => new(address, RecipientOutcomeKind.Delivered) { Confirmation = confirmation };

    /// <summary>Deferred with a message.</summary>
    public static RecipientOutcome Deferred(string address, string message) => new(address, RecipientOutcomeKind.Deferred, message);

    /// <summary>Failed with a message.</summary>
    public static RecipientOutcome Failed(string address, string message) => new(address, RecipientOutcomeKind.Failed, message);
}
