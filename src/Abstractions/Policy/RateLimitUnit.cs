namespace Exim.Abstractions.Policy;

/// <summary>What a rate counts (Exim's ratelimit <c>per_*</c> options). It is part of the stored key, as in Exim.</summary>
public enum RateLimitUnit
{
    /// <summary><c>per_mail</c> (the default): once per message.</summary>
    PerMail,

    /// <summary><c>per_conn</c>: once per connection.</summary>
    PerConnection,

    /// <summary><c>per_rcpt</c>: once per recipient.</summary>
    PerRecipient,

    /// <summary><c>per_cmd</c>: once per check.</summary>
    PerCommand,

    /// <summary><c>per_byte</c>: the message size (the request's count).</summary>
    PerByte,
}
