using System.Text;
using Exim.Abstractions.Config;
using Exim.Mail.Matching;
using Exim.Mail.Spool;

namespace Exim.Mail.Submission;

/// <summary>
/// Exim's rules for a message in a local user's SMTP dialogue (<c>exim -bs</c>; exim.c and receive.c with smtp_input):
/// MAIL's sender stands for a trusted caller, and for an untrusted one only when <c>untrusted_set_sender</c> matches
/// it (else it becomes the login at qualify_domain): receive_check_set_sender, which matches an address without a domain,
/// <c>&lt;&gt;</c> included, as local part at qualify_domain (so <c>&lt;&gt;</c> is <c>@qualify_domain</c>, which
/// <c>untrusted_set_sender = *</c> matches and <c>*@lists.example</c> does not); the From:, Sender:, Message-Id: and Date: fix-ups of a local
/// message apply (<see cref="HeaderFixups"/>), the name being the gecos name for an untrusted caller only.
/// </summary>
internal static class LocalSmtpRules
{
    public static string Sender(MainOptions main, LocalCaller caller, string mailFrom)
    {
        if (caller.Trusted) return mailFrom;
        var qualified = mailFrom.Contains('@', StringComparison.Ordinal) ? mailFrom : $"{mailFrom}@{main.QualifyDomain}";
        if (!main.UntrustedSetSender.IsEmpty
            && new AddressList(main.UntrustedSetSender, main.PrimaryHostname, DomainList.NamedLists(main)).Matches(qualified))
        {
            return mailFrom;
        }
        return $"{caller.Login}@{main.QualifyDomain}";
    }

    /// <summary>The -H lines with the fix-ups, and Exim's S= for them and the body.</summary>
    public static (IReadOnlyList<SpoolHeaderLine> Lines, long Size) FixUp(MainOptions main, LocalCaller caller, string sender, string id,
        DateTimeOffset now, IReadOnlyList<SpoolHeaderLine> lines, long bodyBytes)
    {
        var headers = new List<SpoolHeaderLine>(lines);
        var fixups = new HeaderFixups(main, caller, sender, caller.Trusted ? "" : caller.GecosName, senderLocal: !caller.Trusted);
        fixups.FindFrom(headers);
        fixups.DropSender(headers);
        fixups.AddMissing(headers, id, now);
        var size = bodyBytes + 1;
        foreach (var h in headers)
        {
            if (h.Flag != SpoolHeaderFile.Deleted) size += Encoding.Latin1.GetByteCount(h.Text);
        }
        return (headers, size);
    }
}
