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
              -q[q][i][f[f]][l][G<name>] [start-id [stop-id]]
                                 one queue run, then exit: q two stages, i first deliveries only, f ignore retry
                                 times, ff also thaw, l local deliveries only, G<name> the named queue
              -q...<time>        with -bd (or alone): start such runs every <time>; -qG<name>/<time> for a named queue
              -M <id> ...        deliver these messages now (forced, thawed)
              -Mrm <id> ...      remove these messages
              -MG <queue> <id> ...
                                 move these messages to the named queue ('' for the default queue)
              -Mf <id> ...       freeze these messages; -Mt <id> ... thaws them
              -Mmad <id> ...     mark all recipients of these messages delivered
              -Mmd <id> <address> ...
                                 mark these recipients of the message delivered
              -Mar <id> <address> ...
                                 add these recipients to the message
              -Mes <id> <address>
                                 change the message's sender (<> allowed)
              -Mvh <id>          print the message's -H spool file; -Mvb <id> its -D file
              -bp                list the queue (-qG<name> -bp: the named queue; also selects it for -M, -Mrm, -MG,
                                 -Mf, -Mt, -Mmad, -Mmd, -Mar, -Mes, -Mvh, -Mvb, -bpc)
              -bp[r][u|a]        r in directory order (unsorted), u only undelivered recipients, a also generated ones
              -bpc               count the messages in the queue
              -bm [address ...]  read a message on stdin and hand it to the daemon (also: addresses or -t with no
                                 mode, or the name sendmail); -t recipients from To:/Cc:/Bcc:, -i/-oi a lone dot
                                 does not end it, -f <sender>, -F <name>, -odb/-odi/-odq background, wait, queue only
              -bs                an SMTP dialogue on stdin/stdout, as the calling user (local-esmtp)
              -bt <address> ...  test how addresses route
              -bv <address> ...  verify addresses as recipients (as Verify.Recipient does); -bvs as senders
              -bh <ip>[.port]    a fake SMTP session from <ip> on stdin/stdout; nothing is spooled
              -bV                check the configuration and plugins; print the version, config file and plugins
              -bP [name ...]     print main option values (all of them without a name); -n omits the names
                                 special names: config_file, plugins, routers, router_list, transports, transport_list
              --dumpdb [-z] [-k] <db>
                                 print a hints database (retry, ratelimit) as exim_dumpdb does; -z UTC, -k keys only
              --tidydb [-t <time>] <db>
                                 delete hints records not written for <time> (default 30d), as exim_tidydb does
              --exiwhat          what the daemon and its sessions, runners and deliveries are doing (exiwhat's lines)
              --control <request> [args]
                                 ask the daemon over notifier_socket: status, reload, queue-run [-q...] [<id>],
                                 pause, resume, drain (prints its JSON reply)
              --help             this text

            options:
              -C <file>          configuration file (default: {EximVersion.ConfigureFile})
              -oX <list>         override local_interfaces/daemon_smtp_ports for this daemon
              -oP <path>         pid file path
              -oMi <ip>[.port]   with -bh: the local interface the session pretends to arrive on
              -d                 debug output to stderr
            signals (daemon): SIGHUP reloads config, scripts and plugins without closing sockets;
                              SIGTERM/SIGINT stop cleanly
            """);
        return 0;
    }
}
