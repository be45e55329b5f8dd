// rcpt.csx: the recipient policy of the bundled configuration ([hooks] rcpt in exim.toml; Exim's acl_smtp_rcpt).
// Runs for each RCPT TO that passed relay control, with Sender, Recipients (accepted so far) and Recipient (the one being
// decided). In order, cheapest first:
//   0. a local user's SMTP session (exim -bs) is accepted, as Exim's default acl_check_rcpt does first ("accept hosts = :");
//   1. rate limits: recipients per hour from one client address (strangers only), messages per hour from one sender (not
//      the null sender of bounces, which one forged sender would otherwise block for everyone) (Exim's ratelimit, kept
//      in the hints store, so a restart does not reset them; a store that cannot be used defers, as in Exim);
//   2. our own clients (relay_from_hosts, or authenticated) are accepted from here on, as in Exim's default
//      acl_check_rcpt ("accept hosts = +relay_from_hosts" before "require verify = recipient");
//   3. a DNS blocklist, counting as "listed" only the list's documented listing codes;
//   4. recipient verification: the address is routed as a delivery would route it (unknown local users are refused
//      now, with 550, instead of being bounced later: no backscatter).
// A refusal is answered 550 (451 for a deferral) and logged in Exim's shape to the main and reject logs:
// "H=... F=<sender> rejected RCPT <recipient>: text". A DNS failure never refuses mail: it defers or lets it through.
using Exim.Abstractions.Matching;

const double RecipientsPerHourFromOneHost = 500;
const double MessagesPerHourFromOneSender = 200;
const string Blocklist = "zen.spamhaus.org";

if (Connection.LocalUser is not null) return Verdict.Accept;

var ip = Connection.RemoteAddress;
Lists.Relay ??= HostLists.Compile(Main.GetList("relay_from_hosts"));
var ours = Connection.AuthenticatedId is not null || await ClientIn(Lists.Relay);

// 1. Rate limits. PerRecipient counts each recipient; PerMail counts a message once however many recipients it has.
if (!ours)
{
    var fromHost = await RateLimit(ip.ToString(), RecipientsPerHourFromOneHost, TimeSpan.FromHours(1), RateLimitUnit.PerRecipient);
    if (fromHost.Over)
    {
        return Verdict.Defer($"too many recipients from {ip}; try again later", status: "4.7.0")
            .WithLog($"ratelimit: {fromHost.Rate:F1} recipients per hour from {ip}, limit {fromHost.Limit}");
    }
}
if (Sender is { Length: > 0 } s)
{
    var sender = s.ToLowerInvariant();
    var fromSender = await RateLimit(sender, MessagesPerHourFromOneSender, TimeSpan.FromHours(1), RateLimitUnit.PerMail);
    if (fromSender.Over)
    {
        return Verdict.Defer($"too many messages from {sender}; try again later", status: "4.7.0")
            .WithLog($"ratelimit: {fromSender.Rate:F1} messages per hour from {sender}, limit {fromSender.Limit}");
    }
}

// 2. Our own clients: trusted with any recipient they may relay to.
if (ours) return Verdict.Accept;

// 3. The DNS blocklist (RFC 5782). Spamhaus lists with 127.0.0.2-127.0.0.11; an answer in 127.255.255.0/24 is an error
//    code ("query refused", e.g. when asked through a public resolver) and must never count as listed, or every
//    client would be refused. A lookup that cannot complete lets the recipient through and is logged.
try
{
    var answers = await Dns.A(Dns.BlocklistName(ip, Blocklist));
    var listed = answers.Where(Codes.IsListing).ToList();
    var errors = answers.Where(Codes.IsError).ToList();
    if (errors.Count > 0) Log.Warning($"{Blocklist} answered {string.Join(", ", errors)} for {ip}: an error code, not a listing (is the resolver allowed to ask it?)");
    if (listed.Count > 0)
    {
        var reason = (await Dns.Txt(Dns.BlocklistName(ip, Blocklist))).FirstOrDefault() ?? $"listed at {Blocklist}";
        return Verdict.Reject($"{ip} is listed at {Blocklist}: {reason}", status: "5.7.1");
    }
}
catch (DnsLookupException e)
{
    Log.Warning($"{Blocklist} lookup for {ip} did not complete ({e.Message}); not counted as listed");
}

// 4. Recipient verification through the routers. Deferred means "not known yet" (a DNS failure): defer, never refuse.
var v = await Verify.Recipient(Recipient!);
return v.Status switch
{
    VerifyStatus.Undeliverable => Verdict.Reject(v.Message ?? "Unrouteable address", status: "5.1.1"),
    VerifyStatus.Deferred => Verdict.Defer($"cannot verify <{Recipient}> now; try again later", status: "4.4.3").WithLog(v.Message ?? "verification deferred"),
    _ => Verdict.Accept,
};

static class Lists
{
    public static IHostList? Relay;
}

static class Codes
{
    // The list's documented listing codes (Spamhaus ZEN: SBL 127.0.0.2-3, XBL 127.0.0.4-7, PBL 127.0.0.10-11).
    public static bool IsListing(IPAddress a) => a.GetAddressBytes() is [127, 0, 0, >= 2 and <= 11];

    public static bool IsError(IPAddress a) => a.GetAddressBytes() is [127, 255, 255, _];
}
