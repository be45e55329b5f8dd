namespace Exim.Mail.Smtp.Policy;

/// <summary>
/// What the client has said so far in a session, as its policies read it (Exim's ACL variables): read from the session
/// itself at every decision, never a copy that could fall behind.
/// </summary>
internal interface ITransactionView
{
    /// <summary>The HELO/EHLO name (the one being decided, at HELO), or null.</summary>
    string? Helo { get; }

    /// <summary>The envelope sender ("" for the null sender), or null outside a transaction.</summary>
    string? Sender { get; }

    /// <summary>The recipients accepted so far.</summary>
    IReadOnlyList<string> Recipients { get; }

    /// <summary>The size declared with MAIL's SIZE parameter, or -1 (per_byte counts it before DATA, as Exim does).</summary>
    long DeclaredSize { get; }

    /// <summary>Before a session exists (the connect stage): nothing said yet.</summary>
    static ITransactionView None { get; } = new Nothing();

    private sealed class Nothing : ITransactionView
    {
        public string? Helo => null;
        public string? Sender => null;
        public IReadOnlyList<string> Recipients => [];
        public long DeclaredSize => -1;
    }
}
