using Exim.Abstractions.Policy;
using Exim.Abstractions.Scripting;

namespace Exim.Mail.Smtp.Policy;

/// <summary>
/// One generation's stage policies, in <c>[hooks] order</c>: the stage scripts and the plugins' <see cref="IStagePolicy"/>s.
/// The session asks at each stage; the first verdict that is not Accept decides, and the modifiers of the accepting
/// verdicts before it are handed to <see cref="PolicySession.Accepted"/>.
/// </summary>
internal interface IStagePolicies
{
    /// <summary>Whether anything decides at <paramref name="stage"/> (so the session can skip the stage's work entirely).</summary>
    /// <param name="stage">A stage.</param>
    bool Handles(SmtpStage stage);

    /// <summary>
    /// Runs the policies of <see cref="PolicySession.Stage"/>. Never throws: a policy that fails or runs past its time
    /// budget is logged and defers the stage (it never accepts by accident).
    /// </summary>
    /// <param name="session">The connection's policy state, with the stage's data filled in.</param>
    ValueTask<Verdict> DecideAsync(PolicySession session);
}
