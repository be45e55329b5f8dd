using Exim.Abstractions.Config;
using Exim.Mail.Smtp;
using Exim.Mail.Spool;
using MimeKit;

namespace Exim.Mail.Submission;

/// <summary>
/// Exim's header fix-ups for a local message (receive.c), on the -H lines: From: of just the login, Sender: of an
/// untrusted caller, and the Message-Id:, From:, Sender: and Date: headers Exim adds. Added headers go at the end, as
/// Exim's header_add puts them. Resent- header sets are not treated apart (Exim applies these rules to them instead).
/// The name is made a phrase first (<see cref="LocalPhrase"/>), so it can never name an address of its own.
/// </summary>
internal sealed class HeaderFixups(MainOptions main, LocalCaller caller, string sender, string name, bool senderLocal)
{
    private readonly string _name = LocalPhrase.Fix(name);
    private SpoolHeaderLine? _from;

    private string Originator => $"{caller.Login}@{main.QualifyDomain}";

    public static bool Named(string header, string name)
        => header.Length > name.Length && header[name.Length] == ':' && header.StartsWith(name, StringComparison.OrdinalIgnoreCase);

    /// <summary>For sendmail's sake, a From: that is just the caller's login becomes <c>From: name &lt;login@qualify_domain&gt;</c>.</summary>
    public void RewriteLoginFrom(List<SpoolHeaderLine> headers)
    {
        for (var i = 0; i < headers.Count; i++)
        {
            var h = headers[i];
            if (h.Flag != 'F') continue;
            _from ??= h;
            var value = h.Text[(h.Text.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
            if (_from == h && value.Equals(caller.Login, StringComparison.OrdinalIgnoreCase))
            {
                headers[i] = h with { Flag = SpoolHeaderFile.Deleted };
                _from = new SpoolHeaderLine('F', $"From: {_name} <{Originator}>\n");
                headers.Add(_from);
            }
        }
    }

    /// <summary>Notes the first From: (for SMTP input, where it is never rewritten).</summary>
    public void FindFrom(List<SpoolHeaderLine> headers) => _from = headers.Find(h => h.Flag == 'F');

    /// <summary>An untrusted caller's Sender: is kept on the spool but not delivered, unless local_sender_retain.</summary>
    public void DropSender(List<SpoolHeaderLine> headers)
    {
        if (main.LocalSenderRetain || !senderLocal || caller.Trusted) return;
        for (var i = 0; i < headers.Count; i++)
        {
            if (headers[i].Flag == 'S') headers[i] = headers[i] with { Flag = SpoolHeaderFile.Deleted };
        }
    }

    /// <summary>Message-Id:, From:, Sender: (local_from_check) and Date:, each when Exim would add it.</summary>
    public void AddMissing(List<SpoolHeaderLine> headers, string id, DateTimeOffset now)
    {
        if (!headers.Exists(h => h.Flag == 'I'))
        {
            headers.Add(new SpoolHeaderLine('I', $"Message-Id: <E{id}@{main.PrimaryHostname}>\n"));
        }
        if (_from is null)
        {
            // The originator's name for an untrusted caller; for a trusted one only if -F gave it or -f was not used.
            var oname = _name;
            _from = sender.Length == 0
                ? new SpoolHeaderLine('F', oname.Length > 0 ? $"From: {oname} <{Originator}>\n" : $"From: {Originator}\n")
                : new SpoolHeaderLine('F', oname.Length > 0 ? $"From: {oname} <{sender}>\n" : $"From: {sender}\n");
            headers.Add(_from);
        }
        if (main.LocalFromCheck && senderLocal && !caller.Trusted && !FromIsCaller(_from.Text))
        {
            headers.Add(new SpoolHeaderLine('S', $"Sender: {_name} <{Originator}>\n"));
        }
        if (!headers.Exists(h => h.Flag != SpoolHeaderFile.Deleted && Named(h.Text, "Date")))
        {
            headers.Add(new SpoolHeaderLine(' ', $"Date: {SmtpSettings.RfcDate(now)}\n"));
        }
    }

    /// <summary>
    /// Whether From: holds exactly one address that, once local_from_prefix and local_from_suffix are taken off its local
    /// part, is the caller's login at qualify_domain (or the bare login).
    /// </summary>
    private bool FromIsCaller(string header)
    {
        var value = header[(header.IndexOf(':', StringComparison.Ordinal) + 1)..].Replace("\n", "", StringComparison.Ordinal);
        if (!InternetAddressList.TryParse(ParserOptions.Default, value, out var list) || list.Count != 1 || list[0] is not MailboxAddress mailbox) return false;
        var address = mailbox.Address;
        var at = address.LastIndexOf('@');
        var local = at < 0 ? address : address[..at];
        local = StripAffix(local, main.LocalFromPrefix, prefix: true);
        local = StripAffix(local, main.LocalFromSuffix, prefix: false);
        if (at < 0) return local.Equals(caller.Login, StringComparison.OrdinalIgnoreCase);
        return $"{local}@{address[(at + 1)..]}".Equals(Originator, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Exim's route_check_prefix/suffix: the first item that fits is removed; <c>*</c> at the start of a prefix (the end of a
    /// suffix) stands for any characters and takes as much as it can, so <c>*-</c> removes up to the last hyphen.
    /// </summary>
    internal static string StripAffix(string local, IEnumerable<string> items, bool prefix)
    {
        foreach (var item in items)
        {
            if (item.Length == 0) continue;
            if (prefix)
            {
                if (item[0] == '*')
                {
                    var fixedPart = item[1..];
                    var at = local.LastIndexOf(fixedPart, StringComparison.OrdinalIgnoreCase);
                    if (at >= 0) return local[(at + fixedPart.Length)..];
                }
                else if (local.StartsWith(item, StringComparison.OrdinalIgnoreCase))
                {
                    return local[item.Length..];
                }
            }
            else
            {
                if (item[^1] == '*')
                {
                    var fixedPart = item[..^1];
                    var at = local.IndexOf(fixedPart, StringComparison.OrdinalIgnoreCase);
                    if (at >= 0) return local[..at];
                }
                else if (local.EndsWith(item, StringComparison.OrdinalIgnoreCase))
                {
                    return local[..^item.Length];
                }
            }
        }
        return local;
    }
}
