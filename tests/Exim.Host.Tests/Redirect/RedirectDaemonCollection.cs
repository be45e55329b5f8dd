namespace Exim.Host.Tests.Redirect;

/// <summary>The tests sharing one daemon with the redirect and pipe plugins.</summary>
[CollectionDefinition(Name)]
public sealed class RedirectDaemonCollection : ICollectionFixture<RedirectDaemonFixture>
{
    public const string Name = "redirect daemon";
}
