namespace Exim.Abstractions.Scripting;

/// <summary>
/// The value an accept hook returns. <c>return Verdict.Accept;</c> lets the connection through;
/// <c>Verdict.Defer("text")</c> answers <c>421 text</c>, <c>Verdict.Reject("text")</c> answers <c>554 text</c>, and
/// <c>Verdict.Drop</c> closes the connection without a word. A script that returns nothing (null) accepts.
/// </summary>
public sealed class Verdict
{
    private Verdict(VerdictKind kind, string? message) => (Kind, Message) = (kind, message);

    /// <summary>What was decided.</summary>
    public VerdictKind Kind { get; }

    /// <summary>The reply text for Defer and Reject (without the code), or null for the default text.</summary>
    public string? Message { get; }

    /// <summary>Let the connection through.</summary>
    public static Verdict Accept { get; } = new(VerdictKind.Accept, null);

    /// <summary>Close the connection without a reply.</summary>
    public static Verdict Drop { get; } = new(VerdictKind.Drop, null);

    /// <summary>Refuse for now with <c>421 text</c>; a well-behaved client retries later.</summary>
    /// <param name="text">The reply text; a line break in it is replaced by a space.</param>
    public static Verdict Defer(string? text = null) => new(VerdictKind.Defer, Clean(text));

    /// <summary>Refuse with <c>554 text</c>.</summary>
    /// <param name="text">The reply text; a line break in it is replaced by a space.</param>
    public static Verdict Reject(string? text = null) => new(VerdictKind.Reject, Clean(text));

    /// <inheritdoc />
    public override string ToString() => Message is null ? Kind.ToString() : $"{Kind}(\"{Message}\")";

    private static string? Clean(string? text)
        => string.IsNullOrWhiteSpace(text) ? null : text.ReplaceLineEndings(" ").Trim();
}
