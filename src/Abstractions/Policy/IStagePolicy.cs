using Exim.Abstractions.Scripting;

namespace Exim.Abstractions.Policy;

/// <summary>
/// A plugin's say in the SMTP session (an SPF check, greylisting, content scanning), registered under a key of its
/// choosing: <c>registrar.Add&lt;IStagePolicy&gt;("greylist", policy)</c>. It runs only when <c>[hooks] order</c> names its
/// key; the policies and the stage scripts (<c>"script"</c> in the order) run in that order, and the first decision
/// that is not Accept is the stage's. It sees what a stage script sees and answers as one does, within the same
/// <c>[hooks] timeout</c>; a policy that throws or runs past it defers the stage (4xx), never accepts.
/// </summary>
public interface IStagePolicy
{
    /// <summary>Whether the policy takes part at <paramref name="stage"/> (all of them unless overridden).</summary>
    /// <param name="stage">A stage.</param>
    bool Handles(SmtpStage stage) => true;

    /// <summary>Decides at <see cref="StageContext.Stage"/>.</summary>
    /// <param name="stage">The stage: the connection, the envelope so far, the message at Data, and the helpers.</param>
    /// <param name="cancellationToken">Cancelled when the time budget runs out.</param>
    ValueTask<Verdict> DecideAsync(StageContext stage, CancellationToken cancellationToken);
}
