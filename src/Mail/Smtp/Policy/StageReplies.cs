using Exim.Abstractions.Policy;
using Exim.Abstractions.Scripting;

namespace Exim.Mail.Smtp.Policy;

/// <summary>
/// Exim's answers to a refusing verdict after the banner (smtp_handle_acl_fail): reject and drop give the stage's 550
/// (acl_wherecodes: 550 at HELO, MAIL, RCPT, predata and DATA) with <c>Administrative prohibition</c>, defer gives 451 with
/// <c>Temporary local problem - please try later</c>; a script's own text, code and extended status code replace them.
/// </summary>
internal static class StageReplies
{
    public const string RejectText = "Administrative prohibition";
    public const string DeferText = "Temporary local problem - please try later";

    /// <summary>The reply line for a Defer, Reject or Drop verdict.</summary>
    public static string Reply(Verdict verdict) => verdict.Kind == VerdictKind.Defer
        ? Format(verdict.Code ?? 451, verdict.Status, verdict.Message ?? DeferText)
        : Format(verdict.Code ?? 550, verdict.Status, verdict.Message ?? RejectText);

    /// <summary>Whether the refusal is temporary (a 4xx reply: Defer, or a drop with a 4xx code).</summary>
    public static bool Temporary(Verdict verdict) => verdict.Kind == VerdictKind.Defer || verdict.Code is >= 400 and < 500;

    /// <summary>Exim's log text for a refusal: <c>: </c> and the log message (the verdict's WithLog, else its reply text), or nothing.</summary>
    public static string LogSuffix(Verdict verdict) => (verdict.LogText ?? verdict.Message) is { } text ? ": " + text : "";

    public static string Format(int code, string? status, string text) => status is null ? $"{code} {text}" : $"{code} {status} {text}";

    /// <summary>Exim's name for the stage in its log lines (<c>discarded by RCPT ACL</c>, <c>rcpt hook</c> failures).</summary>
    public static string AclName(SmtpStage stage) => stage switch
    {
        SmtpStage.Connect => "connect",
        SmtpStage.Helo => "HELO",
        SmtpStage.Mail => "MAIL",
        SmtpStage.Rcpt => "RCPT",
        SmtpStage.Predata => "PREDATA",
        SmtpStage.NotSmtp => "non-SMTP",
        _ => "DATA",
    };
}
