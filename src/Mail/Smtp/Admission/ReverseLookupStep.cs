using Exim.Abstractions.Daemon;
using Exim.Abstractions.Matching;
using Exim.Abstractions.Resolution;

namespace Exim.Mail.Smtp.Admission;

/// <summary>Reverse lookup with forward confirmation for clients in host_lookup (spec §2.11), before the connect policies.</summary>
internal sealed class ReverseLookupStep : IAdmissionStep
{
    public static ReverseLookupStep Instance { get; } = new();

    public async Task<SessionResult> InvokeAsync(AdmissionContext connection, AdmissionDelegate next)
    {
        var c = (ConnectionContext)connection;
        if (c.HostNames is { } lookups && await c.MatchAsync(c.Settings.HostLookup).ConfigureAwait(false) == HostListMatch.Match)
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
        return await next(connection).ConfigureAwait(false);
    }
}
