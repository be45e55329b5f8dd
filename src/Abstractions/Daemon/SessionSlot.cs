using System.Net;

namespace Exim.Abstractions.Daemon;

/// <summary>One active SMTP session in the slot table.</summary>
/// <param name="Id">The connection id (Exim's <c>Ci=</c>).</param>
/// <param name="Client">The client's address, IPv4-mapped IPv6 shown as IPv4.</param>
/// <param name="Started">When the connection was accepted.</param>
public sealed record SessionSlot(string Id, IPAddress Client, DateTimeOffset Started);
