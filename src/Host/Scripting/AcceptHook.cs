using Exim.Abstractions.Plugins;
using Exim.Abstractions.Resolution;
using Exim.Abstractions.Scripting;
using Exim.Host.Log;
using Exim.Mail.Matching;
using Exim.Mail.Resolution;
using Microsoft.Extensions.Logging;

namespace Exim.Host.Scripting;

/// <summary>
/// The accept script as the connect stage's script, for one generation. Whatever goes wrong in the script (an exception,
/// the time budget running out) defers the connection with 421 and is logged: never an accidental accept. A script that
/// returns null accepts.
/// </summary>
internal sealed partial class AcceptHook(CompiledScript<Verdict> script, TimeSpan timeout, IMainOptionsView main, IDnsRecordResolver? dns,
    DnsLookupSettings lookups, ILogger logger)
{
    private readonly ScriptLog _log = new(logger, script.Source.DisplayPath);

    public async ValueTask<Verdict> DecideAsync(AcceptConnection connection, ConnectionCounts counts, CancellationToken cancellationToken)
    {
        var outcome = await script.InvokeAsync((Hook: this, Connection: connection, Counts: counts),
            static (s, budget) => new AcceptGlobals(s.Connection, s.Counts, new ScriptDns(s.Hook.Dns, s.Hook.Lookups, budget),
                s.Hook.Main, HostListFactory.Instance, s.Hook._log, budget),
            timeout).ConfigureAwait(false);
        switch (outcome.Status)
        {
            case HookStatus.Completed:
                return outcome.Value ?? Verdict.Accept;
            case HookStatus.TimedOut:
                TimedOut(logger, script.Source.DisplayPath, connection.RemoteAddress.ToString(), timeout.TotalMilliseconds);
                return Verdict.Defer();
            default:
                Failed(logger, script.Source.DisplayPath, connection.RemoteAddress.ToString(), ScriptErrors.Describe(outcome.Error!, script.Source));
                return Verdict.Defer();
        }
    }

    private IMainOptionsView Main => main;

    private IDnsRecordResolver? Dns => dns;

    private DnsLookupSettings Lookups => lookups;

    [LoggerMessage(EventIds.AcceptHookFailed, LogLevel.Error, "accept hook {Script} ran past its {Milliseconds} ms budget for H=[{Ip}]: connection deferred")]
    private static partial void TimedOut(ILogger logger, string script, string ip, double milliseconds);

    [LoggerMessage(EventIds.AcceptHookFailed, LogLevel.Error, "accept hook {Script} failed for H=[{Ip}]: {Error}: connection deferred")]
    private static partial void Failed(ILogger logger, string script, string ip, string error);
}
