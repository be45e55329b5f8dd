using Exim.Mail.Smtp;
using MimeKit;

namespace Exim.Mail.Submission;

/// <summary>
/// A <c>-f</c> argument as Exim's parse_extract_address takes it (exim.c): empty or <c>&lt;&gt;</c> is the null sender;
/// <c>addr</c>, <c>&lt;addr&gt;</c>, <c>Name &lt;addr&gt;</c> and <c>addr (comment)</c> give the address; anything else
/// (spaces, two addresses, a control character) is refused, so the address that reaches the log line, the Received:
/// header and the spool is always a single mailbox. A trailing dot on the domain is dropped (strip_trailing_dot).
/// </summary>
internal static class LocalSender
{
    public static bool TryParse(string argument, out string address, out string error)
    {
        address = "";
        error = "";
        var a = argument.Trim();
        if (a.Length == 0 || a == "<>") return true;
        var candidate = a;
        if (a.AsSpan().IndexOfAny('<', '(', '"') >= 0 && !(a[0] == '<' && a[^1] == '>' && a.IndexOf('<', 1) < 0))
        {
            // A phrase or a comment around the address: MimeKit finds the one mailbox, as parse_extract_address would.
            if (!InternetAddressList.TryParse(ParserOptions.Default, a, out var list) || list.Count != 1 || list[0] is not MailboxAddress mailbox)
            {
                error = "malformed address";
                return false;
            }
            candidate = "<" + mailbox.Address + ">";
        }
        else if (a[0] != '<')
        {
            candidate = "<" + a + ">";
        }
        if (!SmtpAddress.TryParsePath(candidate, out var parsed, out var parameters, out _) || parameters.Length > 0)
        {
            error = "malformed address";
            return false;
        }
        if (parsed.AsSpan().IndexOfAny(' ', '\t') >= 0)
        {
            error = "malformed address: white space in address";
            return false;
        }
        address = parsed;
        return true;
    }
}
