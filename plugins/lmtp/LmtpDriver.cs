using Exim.Abstractions.Transports;

namespace Exim.Plugins.Lmtp;

/// <summary>
/// Creates <c>lmtp</c> transports from their options: <c>socket</c> (the server's Unix socket, relative to the
/// configuration's directory) or, ours, <c>host</c> (a name or an IP address) with <c>port</c> (default 24, LMTP's
/// port); exactly one of <c>socket</c> and <c>host</c> (Exim: "one (and only one) of command or socket must be set").
/// <c>timeout</c> (default 5m) bounds connecting and every read and write; <c>ignore_quota</c> adds <c>IGNOREQUOTA</c>
/// to each RCPT when the server's LHLO reply offers it. How many recipients share one transaction is the generic
/// <c>batch_max</c> (Exim's default 1).
/// </summary>
internal sealed class LmtpDriver : ITransportDriver
{
    public ITransport Create(TransportDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var options = definition.Options;
        var socket = options.GetString("socket");
        var host = options.GetString("host");
        var port = options.GetInt64("port");
        var timeout = options.GetTime("timeout") ?? TimeSpan.FromMinutes(5);
        var ignoreQuota = options.GetBoolean("ignore_quota") ?? false;
        const string OneOf = "one (and only one) of socket or host must be set";
        if (socket is not null && host is not null) throw options.Invalid("host", $"{OneOf} for the {definition.Name} transport, and socket is set too");
        if (socket is null && host is null) throw options.Invalid("socket", $"{OneOf} for the {definition.Name} transport");
        if (socket is { Length: 0 }) throw options.Invalid("socket", "is empty");
        if (host is { Length: 0 }) throw options.Invalid("host", "is empty");
        if (port is not null && host is null) throw options.Invalid("port", "is only used with host (LMTP over TCP)");
        if (port is < 1 or > 65535) throw options.Invalid("port", $"{port} is not a port number (1 to 65535)");
        if (timeout <= TimeSpan.Zero) throw options.Invalid("timeout", "must be more than 0s");
        var server = socket is not null
            ? LmtpServer.Unix(Path.GetFullPath(socket, definition.Main.ConfigDirectory))
            : LmtpServer.Tcp(host!, (int)(port ?? 24));
        return new LmtpTransport(definition.Name, server, definition.Main.PrimaryHostname, timeout, ignoreQuota);
    }
}
