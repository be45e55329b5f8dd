using System.Net;

namespace Exim.Abstractions.Daemon;

/// <summary>One active SMTP session in the slot table.</summary>
/// <param name="Id">The connection id (Exim's <c>Ci=</c>).</param>
/// <param name="Client">The client's address, IPv4-mapped IPv6 shown as IPv4.</param>
/// <param name="Started">When the connection was accepted.</param>
public sealed record SessionSlot(string Id, IPAddress Client, DateTimeOffset Started)
{
    private string _state = "connect";

    /// <summary>
    /// What the session is doing, for the daemon's status: <c>connect</c> while it is being admitted, <c>banner</c> once
    /// greeted, then the last SMTP command it received (<c>EHLO</c>, <c>MAIL</c>, <c>RCPT</c>, <c>DATA</c>, ...). The
    /// session writes a constant string per command: one field write, no allocation.
    /// </summary>
    public string State
    {
        get => Volatile.Read(ref _state);
        set => Volatile.Write(ref _state, value);
    }

    /// <summary>The same session: its state, which changes as it runs, is not part of its identity.</summary>
    /// <param name="other">The other slot.</param>
    /// <returns>Whether both are the same session.</returns>
    public bool Equals(SessionSlot? other) => other is not null && Id == other.Id && Client.Equals(other.Client) && Started == other.Started;

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Id, Client, Started);
}
