using Exim.TestKit;

namespace Exim.Host.Tests.Resolution;

/// <summary>Runs the real <c>exim -bt</c> with a dnslookup router and the dns-resolver plugin pointed at a test NSD.</summary>
internal static class AddressTest
{
    /// <param name="dns">The NSD to use.</param>
    /// <param name="mainOptions">Extra main options.</param>
    /// <param name="routerOptions">Extra options for the dnslookup router (an ignore_target_hosts there replaces the default one).</param>
    /// <param name="addresses">The addresses to test.</param>
    /// <param name="resolverOptions">Extra options for the dns-resolver plugin.</param>
    public static async Task<(int Code, string Stdout)> RunAsync(DnsServer dns, string mainOptions, string routerOptions, string[] addresses,
        string resolverOptions = "")
    {
        var (code, stdout, stderr) = await RunWithStderrAsync(dns, mainOptions, routerOptions, addresses, resolverOptions);
        Assert.True(stderr.Length == 0, stderr);
        return (code, stdout);
    }

    /// <summary>As <see cref="RunAsync"/>, returning what -bt wrote to stderr (Exim's <c>LOG:</c> lines) too.</summary>
    public static Task<(int Code, string Stdout, string Stderr)> RunWithStderrAsync(DnsServer dns, string mainOptions, string routerOptions,
        string[] addresses, string resolverOptions = "", string routersBefore = "")
        => RunWithStderrAsync(dns.NameServer, mainOptions, routerOptions, addresses, resolverOptions, routersBefore);

    /// <summary>As above, with the resolver plugin pointed at <paramref name="nameServer"/> (address:port); <paramref name="routersBefore"/> go before the dnslookup router.</summary>
    public static async Task<(int Code, string Stdout, string Stderr)> RunWithStderrAsync(string nameServer, string mainOptions, string routerOptions,
        string[] addresses, string resolverOptions = "", string routersBefore = "")
    {
        using var dir = new TempDirectory();
        var config = dir.Write("exim.toml", $"""
            spool_directory = "spool"
            primary_hostname = "mx.test.example"
            local_interfaces = ["127.0.0.1"]
            extra_local_interfaces = ["192.0.2.200"]
            local_domains = ["test.example"]
            {mainOptions}

            [[transports]]
            name = "remote_smtp"
            driver = "smtp"

            [[transports]]
            name = "local_delivery"
            driver = "maildir"
            directory = "mail/$local_part"

            {routersBefore}

            [[routers]]
            name = "dnslookup"
            driver = "dnslookup"
            domains = "! +local_domains"
            transport = "remote_smtp"
            {(routerOptions.Contains("ignore_target_hosts", StringComparison.Ordinal) ? "" : "ignore_target_hosts = [\"0.0.0.0\", \"127.0.0.0/8\"]")}
            more = false
            {routerOptions}

            [[routers]]
            name = "localuser"
            driver = "accept"
            domains = "+local_domains"
            transport = "local_delivery"

            [plugins.dns-resolver]
            assembly = "{RepoPaths.Plugin("dns-resolver", "Exim.Plugins.DnsResolver.dll")}"
            nameservers = ["{nameServer}"]
            {(resolverOptions.Contains("dns_retr", StringComparison.Ordinal) ? "" : "dns_retrans = \"1s\"\ndns_retry = 2")}
            {resolverOptions}

            [plugins.interface-scanner]
            assembly = "{RepoPaths.Plugin("interface-scanner", "Exim.Plugins.InterfaceScanner.dll")}"
            """);
        var result = await EximProcess.RunAsync(dir.Path, ["-C", config, "-bt", .. addresses]);
        Assert.False(File.Exists(dir.Combine("spool", "log", "mainlog")), "-bt wrote the main log");
        return result;
    }
}
