using Exim.Abstractions.Config;
using Exim.Abstractions.Routing;

namespace Exim.Mail.Routing;

/// <summary>One router of a generation: its generic options (the core's) and the router its driver created.</summary>
internal sealed record ConfiguredRouter(RouterConfig Config, IRouter Router);
