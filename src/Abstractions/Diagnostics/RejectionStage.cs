namespace Exim.Abstractions.Diagnostics;

/// <summary>The <c>exim.smtp.stage</c> tag of <c>exim.message.rejected</c>: where the session refused something.</summary>
internal static class RejectionStage
{
    public const string Helo = "helo";
    public const string Mail = "mail";
    public const string Rcpt = "rcpt";
    public const string Predata = "predata";
    public const string Data = "data";

    /// <summary>A message submitted locally without SMTP, refused by the not_smtp stage.</summary>
    public const string NotSmtp = "not_smtp";

    /// <summary>Protocol violations that end or refuse the session: synchronization errors, too many bad or non-mail commands.</summary>
    public const string Protocol = "protocol";

    /// <summary>The stage a policy refusal's Exim description (<c>EHLO name</c>, <c>MAIL &lt;a&gt;</c>, <c>RCPT &lt;b&gt;</c>, <c>DATA</c>, <c>after DATA</c>) names.</summary>
    public static string Of(string what) => what switch
    {
        _ when what.StartsWith("MAIL", StringComparison.Ordinal) => Mail,
        _ when what.StartsWith("RCPT", StringComparison.Ordinal) => Rcpt,
        _ when what.StartsWith("DATA", StringComparison.Ordinal) => Predata,
        _ when what.StartsWith("after DATA", StringComparison.Ordinal) => Data,
        _ => Helo,
    };
}
