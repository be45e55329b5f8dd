using Exim.Abstractions.Policy;
using Exim.Abstractions.Scripting;
using Exim.Mail.Smtp.Policy;

namespace Exim.Host.Scripting;

/// <summary>A plugin's <see cref="IStagePolicy"/>, bounded by the hooks' time budget.</summary>
internal sealed class PluginStagePolicy(string key, IStagePolicy policy, StagePolicy.Setup setup) : StagePolicy
{
    private readonly ScriptLog _log = new(setup.Logger, $"stage policy \"{key}\"");

    public override async ValueTask<Verdict> DecideAsync(PolicySession session)
    {
        using var budget = new CancellationTokenSource(setup.Timeout);
        var stage = session.Stage;
        Task<Verdict>? running = null;
        try
        {
            var context = new PolicyStageContext(session, setup.Main, _log, new ScriptDns(setup.Dns, setup.Lookups, budget.Token), budget.Token);
            var pending = policy.DecideAsync(context, budget.Token);
            if (pending.IsCompletedSuccessfully) return pending.Result ?? Verdict.Accept;
            running = pending.AsTask();
            return await running.WaitAsync(budget.Token).ConfigureAwait(false) ?? Verdict.Accept;
        }
        catch (OperationCanceledException) when (budget.IsCancellationRequested)
        {
            // A policy that ignores its token is abandoned; its late failure is observed, never unhandled.
            _ = running?.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            PolicyTimedOut(setup.Logger, key, setup.Timeout.TotalMilliseconds, StageName(stage), session.Connection.ClientIp, Deferred(stage));
            return Verdict.Defer();
        }
        catch (Exception e)
        {
            PolicyFailed(setup.Logger, key, StageName(stage), session.Connection.ClientIp, $"{e.GetType().Name}: {e.Message}", Deferred(stage));
            return Verdict.Defer();
        }
    }
}
