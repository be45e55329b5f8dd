using Exim.Abstractions.Scripting;
using Exim.Mail.Smtp.Policy;

namespace Exim.Host.Scripting;

/// <summary>The accept hook, with its own globals (<see cref="AcceptGlobals"/>), as the connect stage's script.</summary>
internal sealed class AcceptStagePolicy(AcceptHook hook) : StagePolicy
{
    public override ValueTask<Verdict> DecideAsync(PolicySession session)
    {
        var c = session.Connection;
        return hook.DecideAsync(c.Description, c.Counts, c.ShutdownToken);
    }
}
