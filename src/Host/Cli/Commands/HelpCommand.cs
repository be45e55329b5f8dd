namespace Exim.Host.Cli.Commands;

internal static class HelpCommand
{
    public static int Run(TextWriter output)
    {
        output.WriteLine($"""
            Exim {EximVersion.Number} (Exim.NET {EximVersion.Build}): a mail transfer agent daemon.

            usage: exim [-C <config>] <mode> [arguments]

            modes:
              -bd                run the listening daemon (add -q<time> for periodic queue runs)
              -bdf               the same, never detaching (the daemon always stays in the foreground here)
              -bV                check the configuration and plugins; print the version, config file and plugins
              -bP [name ...]     print main option values (all of them without a name); -n omits the names
                                 special names: config_file, plugins, routers, router_list, transports, transport_list
              --help             this text

            options:
              -C <file>          configuration file (default: exim.toml in the current directory)
              -oX <list>         override local_interfaces/daemon_smtp_ports for this daemon
              -oP <path>         pid file path
              -d                 debug output to stderr
            signals (daemon): SIGHUP reloads config, scripts and plugins without closing sockets;
                              SIGTERM/SIGINT stop cleanly
            """);
        return 0;
    }
}
