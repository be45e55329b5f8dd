using Exim.Abstractions.Policy;

namespace Exim.Mail.Smtp.Policy;

/// <summary>
/// What one generation gives its sessions' policies: the stage policies in order, and the helpers they call through,
/// each null when the generation has none (a policy calling it then fails, which defers its stage).
/// </summary>
/// <param name="Policies">The stage scripts and plugin policies, in <c>[hooks] order</c>.</param>
/// <param name="Verifier">Address verification through the routers, or null.</param>
/// <param name="RateLimiter">Exim's ratelimit over the hints store, or null.</param>
internal sealed record PolicyServices(IStagePolicies Policies, IAddressVerifier? Verifier = null, IRateLimiter? RateLimiter = null);
