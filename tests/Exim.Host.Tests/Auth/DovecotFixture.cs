using Exim.TestKit;

namespace Exim.Host.Tests.Auth;

/// <summary>
/// One real Dovecot for the dovecot authenticator's tests, its passwd-file the same <see cref="AuthFiles.Text"/> the
/// passwd_file plugin reads (Dovecot's {BLF-CRYPT} and bare crypt forms), plus carol with a {PLAIN} password so that
/// CRAM-MD5 can be tried.
/// </summary>
public sealed class DovecotFixture : IAsyncLifetime
{
    public const string CarolPassword = "cram secret";

    public DovecotServer Dovecot { get; private set; } = null!;

    public async Task InitializeAsync() => Dovecot = await DovecotServer.StartAsync(AuthFiles.Text + $"carol:{{PLAIN}}{CarolPassword}\n");

    public async Task DisposeAsync() => await Dovecot.DisposeAsync();
}
