// accept.csx: the connection policy of the bundled configuration ([hooks] accept in exim.toml).
// Runs for every connection after the daemon's own limits and the reverse lookup, before the banner.
// Sees: Connection (RemoteAddress, RemotePort, LocalAddress, LocalPort, HostName, SlotId), Counts (Total,
// FromHost), Main (the main options), HostLists, Log, Dns. Returns a Verdict: Accept, AcceptToQueue("name") (accept;
// this connection's messages go to that named queue, run by -qGname/<time>; queueOnly: true keeps them there for that
// runner), Defer("...") (421), Reject("...") (554) or Drop.
// Compiled once per configuration generation; edit it and send SIGHUP (a broken edit keeps the old one).
// If it throws or runs past [hooks] timeout, the connection is deferred with 421: never accepted by accident.
using Exim.Abstractions.Matching;

var client = Connection.RemoteAddress;

// 1. A deny list: addresses and networks that may not talk to us at all.
Lists.Denied ??= HostLists.Compile(["192.0.2.66", "198.51.100.0/24"]);
if (Lists.Denied.Matches(client, Connection.HostName)) return Verdict.Reject($"{client} is not allowed to send mail here");

// 2. Per-network limits on simultaneous connections from one address: our own networks get more.
Lists.Trusted ??= HostLists.Compile(["127.0.0.0/8", "::1", "10.0.0.0/8", "192.168.0.0/16"]);
var limit = Lists.Trusted.Matches(client) ? 50 : 5;
if (Counts.FromHost > limit) return Verdict.Defer($"too many connections from {client}; try again later");

// The DNS blocklist is checked per recipient (rcpt.csx), where our own and authenticated clients can be let through
// and the list's error codes told from its listings.

return Verdict.Accept;

// Compiled once per configuration generation (a compiled script lives as long as its generation).
static class Lists
{
    public static IHostList? Denied;
    public static IHostList? Trusted;
}
