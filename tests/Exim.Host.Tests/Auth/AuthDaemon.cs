using Exim.TestKit;

namespace Exim.Host.Tests.Auth;

/// <summary>
/// One real daemon for the AUTH tests: the passwd_file plugin with PLAIN and LOGIN authenticators over
/// <see cref="AuthFiles.Text"/>, AUTH offered in clear to 127.0.0.1 (auth_advertise_hosts set, as the TLS tests are the
/// TLS helper's), no relay_from_hosts, and a rcpt hook that shows what it sees of the client's authentication.
/// </summary>
public sealed class AuthDaemon : IAsyncLifetime
{
    public TestDaemon Daemon { get; private set; } = null!;

    public int Port => Daemon.Port;

    public static string PasswdFilePlugin => $"""

        [plugins.passwd-file-auth]
        assembly = "{RepoPaths.Plugin("passwd-file-auth", "Exim.Plugins.PasswdFileAuth.dll")}"
        """;

    public static string Authenticators(string driver = "passwd_file", string extra = "server_passwd_file = \"passwd\"") => $"""

        [[authenticators]]
        name = "plain"
        driver = "{driver}"
        public_name = "PLAIN"
        {extra}

        [[authenticators]]
        name = "login"
        driver = "{driver}"
        public_name = "LOGIN"
        {extra}
        """;

    /// <summary>Refuses RCPT hook@... with what the hook sees: the authenticated id and the authenticator, or that there is none.</summary>
    public const string RcptScript = """
        if (Recipient!.StartsWith("hook@", StringComparison.Ordinal))
        {
            return Connection.AuthenticatedId is { } id
                ? Verdict.Reject($"hook sees {id} by {Connection.Authenticator}")
                : Verdict.Reject("hook sees nobody");
        }
        return Verdict.Accept;
        """;

    public static string Config => TestDaemon.SmtpConfig("auth_advertise_hosts = [\"127.0.0.1\"]", relayFromHosts: "[]") + PasswdFilePlugin + """

        [hooks]
        rcpt = "scripts/rcpt.csx"
        """ + Authenticators();

    public async Task InitializeAsync()
    {
        var dir = new TempDirectory("exim-auth-daemon");
        dir.Write("passwd", AuthFiles.Text);
        dir.Write("scripts/rcpt.csx", RcptScript);
        Daemon = await TestDaemon.StartAsync(Config, dir);
    }

    public async Task DisposeAsync() => await Daemon.DisposeAsync();

    /// <summary>swaks against the daemon, with <paramref name="args"/> after the server.</summary>
    public Task<(int ExitCode, string Output)> SwaksAsync(params string[] args) => Swaks.RunAsync(["--server", $"127.0.0.1:{Port}", "--helo", "client.example", .. args]);
}
