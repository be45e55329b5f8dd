// data.csx: the message policy of the bundled configuration ([hooks] data in exim.toml; Exim's acl_smtp_data).
// Runs after the final dot, before the 250: the message is in the spool but not yet committed. Sees Message (Id,
// Headers parsed by MimeKit, Size, BodyLines, OpenBody() reading the spool file) and everything the earlier stages saw.
// A refusal here is answered 550 and logged "rejected after DATA", with the headers dumped to the reject log.
using Exim.Abstractions.Matching;
using MimeKit;

Lists.Relay ??= HostLists.Compile(Main.GetList("relay_from_hosts"));
var ours = Connection.AuthenticatedId is not null || await ClientIn(Lists.Relay);
var headers = Message!.Headers;

// RFC 5322 3.6: Date: is required. A Message-ID: is expected of every sending MTA; our own clients' mail programs may
// leave it out (we accept theirs as Exim would).
if (!headers.Contains(HeaderId.Date))
{
    return Verdict.Reject("a message must have a Date: header (RFC 5322 section 3.6)", status: "5.6.0");
}
if (!ours && !headers.Contains(HeaderId.MessageId))
{
    return Verdict.Reject("a message must have a Message-ID: header (RFC 5322 section 3.6.4)", status: "5.6.0");
}

// Say what was checked, for the recipients' filters (added at the end of the header section).
return Verdict.Accept.AddHeader("X-Policy", $"checked by {Main.PrimaryHostname}; {(ours ? "local client" : "external client")}; {Recipients.Count} recipient(s)");

static class Lists
{
    public static IHostList? Relay;
}
