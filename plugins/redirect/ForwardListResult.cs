using System.Collections.Immutable;

namespace Exim.Plugins.Redirect;

/// <summary>The outcome of parsing a redirection list, as a value.</summary>
/// <param name="Outcome">What it came to.</param>
/// <param name="Items">The generated items, in the list's order (for <see cref="ForwardOutcome.Delivered"/>).</param>
/// <param name="Text">The <c>:fail:</c>/<c>:defer:</c> text (empty when none was given) or the error.</param>
internal sealed record ForwardListResult(ForwardOutcome Outcome, ImmutableArray<ForwardItem> Items, string? Text = null)
{
    public static ForwardListResult Special(ForwardOutcome outcome, string? text = null) => new(outcome, [], text);
}
