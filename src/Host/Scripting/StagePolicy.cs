using Exim.Abstractions.Plugins;
using Exim.Abstractions.Policy;
using Exim.Abstractions.Resolution;
using Exim.Abstractions.Scripting;
using Exim.Host.Log;
using Exim.Mail.Resolution;
using Exim.Mail.Smtp.Policy;
using Microsoft.Extensions.Logging;

namespace Exim.Host.Scripting;

/// <summary>
/// One entry of a stage's policies (a script, the accept hook, a plugin's policy). Never throws: whatever goes wrong
/// (an exception, the time budget running out) is logged and defers the stage, never an accidental accept.
/// </summary>
internal abstract partial class StagePolicy
{
    /// <summary>What every entry of a generation shares.</summary>
    internal sealed record Setup(IMainOptionsView Main, TimeSpan Timeout, IDnsRecordResolver? Dns, DnsLookupSettings Lookups, ILogger Logger);

    public abstract ValueTask<Verdict> DecideAsync(PolicySession session);

    /// <summary>How log lines name the stage's command: <c>HELO</c>, <c>MAIL</c>, <c>RCPT</c>, <c>DATA</c>, <c>message</c>.</summary>
    protected static string Deferred(SmtpStage stage) => stage switch
    {
        SmtpStage.Connect => "connection",
        SmtpStage.Helo => "HELO",
        SmtpStage.Mail => "MAIL",
        SmtpStage.Rcpt => "RCPT",
        SmtpStage.Predata => "DATA",
        _ => "message",
    };

    protected static string StageName(SmtpStage stage) => stage == SmtpStage.NotSmtp ? "not_smtp" : stage.ToString().ToLowerInvariant();

    [LoggerMessage(EventIds.StageHookFailed, LogLevel.Error, "{Stage} hook {Script} ran past its {Milliseconds} ms budget for H=[{Ip}]: {What} deferred")]
    protected static partial void ScriptTimedOut(ILogger logger, string stage, string script, double milliseconds, string ip, string what);

    [LoggerMessage(EventIds.StageHookFailed, LogLevel.Error, "{Stage} hook {Script} failed for H=[{Ip}]: {Error}: {What} deferred")]
    protected static partial void ScriptFailed(ILogger logger, string stage, string script, string ip, string error, string what);

    [LoggerMessage(EventIds.StagePolicyFailed, LogLevel.Error, "stage policy \"{Policy}\" ran past its {Milliseconds} ms budget at {Stage} for H=[{Ip}]: {What} deferred")]
    protected static partial void PolicyTimedOut(ILogger logger, string policy, double milliseconds, string stage, string ip, string what);

    [LoggerMessage(EventIds.StagePolicyFailed, LogLevel.Error, "stage policy \"{Policy}\" failed at {Stage} for H=[{Ip}]: {Error}: {What} deferred")]
    protected static partial void PolicyFailed(ILogger logger, string policy, string stage, string ip, string error, string what);
}
