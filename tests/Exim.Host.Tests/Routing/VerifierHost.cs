using Exim.Abstractions.Policy;
using Exim.Host.Generations;
using Exim.Host.Lifetime;
using Exim.Mail.Resolution;
using Exim.TestKit;
using Microsoft.Extensions.Logging.Abstractions;

namespace Exim.Host.Tests.Routing;

/// <summary>
/// A core on a real configuration (the real dns-resolver plugin pointed at <c>nameServer</c>, a dnslookup router for remote
/// domains and an accept router whose local_parts name a users file) and the address verifier its generation's
/// session services compose, as the daemon's sessions get it.
/// </summary>
public sealed class VerifierHost : IAsyncDisposable
{
    private readonly TempDirectory _dir;
    private readonly Core _core;

    private readonly string _config;

    private VerifierHost(TempDirectory dir, Core core, string config, string usersFile) => (_dir, _core, _config, UsersFile) = (dir, core, config, usersFile);

    /// <summary>The users file the localuser router's local_parts names.</summary>
    public string UsersFile { get; }

    /// <summary>The current generation's verifier, built as the generation's session services build it.</summary>
    internal IAddressVerifier Verifier
        => GenerationRouting.Verifier(_core.Store.Current, NullLogger.Instance);

    /// <summary>The current generation's router, as a delivery gets it, over the same kind of DNS cache.</summary>
    internal Exim.Mail.Routing.AddressRouter Router
        => GenerationRouting.Router(_core.Store.Current, NullLogger.Instance);

    /// <param name="nameServer">The dns-resolver plugin's nameserver (address:port).</param>
    /// <param name="users">The users file's text.</param>
    /// <param name="resolverOptions">Further options for the plugin (timeouts).</param>
    public static async Task<VerifierHost> StartAsync(string nameServer, string users = "alice\nbob\n",
        string resolverOptions = "dns_retrans = \"1s\"\ndns_retry = 1")
    {
        var dir = new TempDirectory("exim-verify");
        var usersFile = dir.Write("etc/users", users);
        var config = dir.Write("exim.toml", $"""
            spool_directory = "spool"
            primary_hostname = "mx.test.example"
            local_interfaces = ["127.0.0.1"]
            extra_local_interfaces = ["192.0.2.200"]
            local_domains = ["test.example"]

            [plugins.dns-resolver]
            assembly = "{RepoPaths.Plugin("dns-resolver", "Exim.Plugins.DnsResolver.dll")}"
            nameservers = ["{nameServer}"]
            {resolverOptions}

            [[transports]]
            name = "remote_smtp"
            driver = "smtp"

            [[transports]]
            name = "local_delivery"
            driver = "maildir"
            directory = "mail/$local_part"

            [[routers]]
            name = "dnslookup"
            driver = "dnslookup"
            domains = "! +local_domains"
            transport = "remote_smtp"
            ignore_target_hosts = ["0.0.0.0", "127.0.0.0/8"]
            more = false

            [[routers]]
            name = "localuser"
            driver = "accept"
            domains = "+local_domains"
            local_parts = ["postmaster", "{usersFile}"]
            transport = "local_delivery"
            cannot_route_message = "Unknown user"
            """);
        var core = Core.Create(config, debug: false, reloads: true);
        var outcome = await core.Reloader.StartAsync();
        if (outcome.Status != ReloadStatus.Published) throw new InvalidOperationException(string.Join("\n", outcome.Errors));
        return new VerifierHost(dir, core, config, usersFile);
    }

    /// <summary>Runs the real exim on this configuration (e.g. <c>-bv</c>).</summary>
    public Task<(int ExitCode, string Stdout, string Stderr)> RunEximAsync(params string[] args)
        => EximProcess.RunAsync(_dir.Path, ["-C", _config, .. args]);

    /// <summary>Runs the real exim on this configuration with <paramref name="input"/> on its stdin.</summary>
    public Task<(int ExitCode, string Stdout, string Stderr)> RunEximWithInputAsync(string input, params string[] args)
        => EximProcess.RunWithInputAsync(_dir.Path, input, ["-C", _config, .. args]);

    /// <summary>Runs the real exim on this configuration as nobody, not an admin user (the directory opened up for it).</summary>
    public Task<(int Code, string Stdout, string Stderr)> RunEximAsNobodyAsync(params string[] args)
    {
        NobodyProcess.OpenUp(_dir.Path);
        return NobodyProcess.RunEximAsync(_dir.Path, [], ["-C", _config, .. args]);
    }

    /// <summary>A reload, as SIGHUP does it.</summary>
    public async Task ReloadAsync()
    {
        var outcome = await _core.Reloader.ReloadAsync(ReloadReason.Signal).WaitAsync(TestTimeouts.Default);
        if (outcome.Status != ReloadStatus.Published) throw new InvalidOperationException(string.Join("\n", outcome.Errors));
    }

    public async ValueTask DisposeAsync()
    {
        await _core.Store.ShutdownAsync(TestTimeouts.Default);
        await _core.DisposeAsync();
        _dir.Dispose();
    }
}
