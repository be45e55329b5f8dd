using Exim.Abstractions.Routing;

namespace Exim.Plugins.Redirect;

/// <summary>One generated item: a qualified address, a file path or a pipe command (without its <c>|</c>).</summary>
internal readonly record struct ForwardItem(RedirectItemKind Kind, string Value);
