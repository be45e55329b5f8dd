namespace Exim.Abstractions.Auth;

/// <summary>One step of a SASL exchange, as a value.</summary>
/// <param name="Kind">What happens next.</param>
/// <param name="Challenge">For <see cref="SaslStepKind.Challenge"/>: the challenge, not yet base64-encoded (may be empty).</param>
/// <param name="Id">
/// For <see cref="SaslStepKind.Success"/>: the authenticated id (Exim's <c>$authenticated_id</c>, the <c>A=name:id</c> log
/// field). For a failure: the id the client tried, if known, logged as Exim's <c>(set_id=...)</c>.
/// </param>
/// <param name="Reason">For <see cref="SaslStepKind.TemporaryFailure"/>: why, for the log (never shown to the client).</param>
public readonly record struct SaslStep(SaslStepKind Kind, ReadOnlyMemory<byte> Challenge, string? Id, string? Reason)
{
    /// <summary>A <c>334</c> challenge.</summary>
    /// <param name="challenge">The raw challenge.</param>
    public static SaslStep Ask(ReadOnlyMemory<byte> challenge) => new(SaslStepKind.Challenge, challenge, null, null);

    /// <summary>Authenticated as <paramref name="id"/>.</summary>
    /// <param name="id">The authenticated id.</param>
    public static SaslStep Succeeded(string id) => new(SaslStepKind.Success, default, id, null);

    /// <summary>Wrong credentials; <paramref name="id"/> is the user tried, if known.</summary>
    /// <param name="id">The user the client tried, for the log.</param>
    public static SaslStep Failed(string? id = null) => new(SaslStepKind.Failure, default, id, null);

    /// <summary>Cannot decide now; <paramref name="reason"/> goes to the log.</summary>
    /// <param name="reason">Why, for the log.</param>
    /// <param name="id">The user the client tried, if known.</param>
    public static SaslStep Deferred(string reason, string? id = null) => new(SaslStepKind.TemporaryFailure, default, id, reason);
}
