using Exim.Abstractions.Scripting;

namespace Exim.Mail.Smtp;

/// <summary>Decides about a connection after the daemon's limits and the reverse lookup, before the banner (the accept hook).</summary>
internal interface IConnectionPolicy
{
    /// <summary>The verdict. Never throws: a policy that fails answers Defer, never an accidental Accept.</summary>
    /// <param name="connection">The connection.</param>
    /// <param name="counts">The daemon's connection counts, this one included.</param>
    /// <param name="cancellationToken">Cancelled when the daemon stops.</param>
    ValueTask<Verdict> DecideAsync(AcceptConnection connection, ConnectionCounts counts, CancellationToken cancellationToken);
}
