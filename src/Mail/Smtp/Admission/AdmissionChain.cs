using Exim.Abstractions.Daemon;

namespace Exim.Mail.Smtp.Admission;

/// <summary>
/// Composes admission steps into one delegate, as Kestrel's ConnectionBuilder composes connection middleware: the first
/// step added runs first and the session is the end of the chain. Built once per generation.
/// </summary>
internal static class AdmissionChain
{
    public static AdmissionDelegate Build(IReadOnlyList<IAdmissionStep> steps, AdmissionDelegate session)
    {
        var next = session;
        for (var i = steps.Count - 1; i >= 0; i--)
        {
            var step = steps[i];
            var after = next;
            next = connection => step.InvokeAsync(connection, after);
        }
        return next;
    }
}
