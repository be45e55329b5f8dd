// helo.csx: the HELO/EHLO check of the bundled configuration ([hooks] helo in exim.toml; Exim's acl_smtp_helo).
// Runs after each HELO or EHLO whose syntax is valid. Sees Stage, Connection, Helo (the name being decided), Main,
// HostLists, Log, Dns, ClientIn(...). Returns a Verdict: a refused HELO is answered 550 and the client must say HELO again.
// Our own clients (local users of exim -bs, relay_from_hosts, authenticated ones) are never judged by their HELO name:
// mail programs on laptops say all sorts of things.
using Exim.Abstractions.Matching;

Lists.Relay ??= HostLists.Compile(Main.GetList("relay_from_hosts"));
if (Connection.LocalUser is not null || Connection.AuthenticatedId is not null || await ClientIn(Lists.Relay)) return Verdict.Accept;

var name = Helo!.TrimEnd('.');
var ip = Connection.RemoteAddress;

// 1. Nobody else is this host: a stranger that greets us with our own name or address is forging.
if (name.Equals(Main.PrimaryHostname, StringComparison.OrdinalIgnoreCase) || name == $"[{Connection.LocalAddress}]")
{
    return Verdict.Reject("you are not me", status: "5.7.1").WithLog($"HELO {name} from {ip} claims to be this host");
}

// 2. An address literal must be the client's own address.
if (name.StartsWith('[') && name != $"[{ip}]" && name != $"[IPv6:{ip}]")
{
    return Verdict.Reject($"HELO address literal {name} is not your address [{ip}]", status: "5.7.1");
}

// 3. Otherwise a fully qualified domain name (RFC 5321 4.1.1.1): "localhost" or a bare word says nothing.
if (!name.StartsWith('[') && !name.Contains('.'))
{
    return Verdict.Reject($"HELO name {name} is not a fully qualified domain name", status: "5.5.2");
}

return Verdict.Accept;

// Built once per configuration generation (a compiled script lives as long as its generation).
static class Lists
{
    public static IHostList? Relay;
}
