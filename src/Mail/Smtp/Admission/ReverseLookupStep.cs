using Exim.Abstractions.Daemon;
using Exim.Abstractions.Matching;
using Exim.Abstractions.Resolution;

namespace Exim.Mail.Smtp.Admission;

/// <summary>
/// Reverse lookup with forward confirmation for clients in host_lookup (spec §2.11), before the connect policies. Where
/// no lookup waits, the session is called directly rather than awaited: this step keeps no frame on the stack of a
/// session that lives for hours (an idle session's bytes count ten thousand times over).
/// </summary>
internal sealed class ReverseLookupStep : IAdmissionStep
{
    public static ReverseLookupStep Instance { get; } = new();

    public Task<SessionResult> InvokeAsync(AdmissionContext connection, AdmissionDelegate next)
    {
        var c = (ConnectionContext)connection;
        if (c.HostNames is not { } lookups) return next(connection);
        var lookup = LookUpAsync(c, lookups);
        return lookup.IsCompletedSuccessfully ? next(connection) : ThenAsync(lookup, connection, next);
    }

    private static async Task<SessionResult> ThenAsync(Task lookup, AdmissionContext connection, AdmissionDelegate next)
    {
        await lookup.ConfigureAwait(false);
        return await next(connection).ConfigureAwait(false);
    }

    private static async Task LookUpAsync(ConnectionContext c, IHostNameLookups lookups)
    {
        if (await c.MatchAsync(c.Settings.HostLookup).ConfigureAwait(false) == HostListMatch.Match)
        {
            try
            {
                using var cts = CancellationTokenSource.CreateLinkedTokenSource(c.ShutdownToken);
                cts.CancelAfter(SmtpSettings.LookupTimeout);
                var result = await lookups.ReverseAsync(c.Remote.Address, cts.Token).ConfigureAwait(false);
                c.HostName = result.Status == AddressLookupStatus.Found ? result.Names[0] : null;
                if (result.Status == AddressLookupStatus.NotFound && result.Failure == "(failed to find host name from IP address)")
                {
                    SmtpLog.NoHostName(c.Logger, c.ClientIp);
                }
            }
            catch (OperationCanceledException)
            {
                // The lookup took too long: carry on without a name, as a deferred lookup does.
            }
        }
    }
}
