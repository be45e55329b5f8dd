using Exim.Mail.Resolution;

namespace Exim.Mail.Delivery;

/// <summary>A recipient to report in a bounce: the address, why it failed, and the host that said so.</summary>
internal sealed record FailedRecipient(string Address, string Message, HostItem? Host)
{
    /// <summary>For a redirected address: the address it was generated from (its parent), else null.</summary>
    public string? Parent { get; init; }

    /// <summary>For a redirected address: the original recipient it descends from, else null.</summary>
    public string? Original { get; init; }

    /// <summary>A file or pipe a redirection generated, rather than an address.</summary>
    public Abstractions.Routing.RedirectItemKind Kind { get; init; }
}
