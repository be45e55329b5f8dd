using Exim.Host.Cli;
using Exim.Host.Cli.Commands;
using Exim.Host.Lifetime;
using Exim.Host.Security;

namespace Exim.Host;

internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        StartupTrace.Mark("Main");
        using var exiwhat = ProcessInfo.Register();
        _ = CallerIdentity.Invoker; // who started us, before any privilege drop changes it
        // Exim's names (exim.c): mailq is -bp, rmail is -i -oee, newaliases has nothing to do (aliases are read as they are used).
        switch (InvokedAs())
        {
            case "mailq": args = ["-bp", .. args]; break;
            case "rmail": args = ["-i", "-oee", .. args]; break;
            case "newaliases": return 0;
        }
        var parsed = CommandLineParser.Parse(args);
        if (parsed.CommandLine is not { } cl)
        {
            await Console.Error.WriteLineAsync(parsed.Error).ConfigureAwait(false);
            return parsed.ExitCode;
        }
        var output = Console.Out;
        var error = Console.Error;
        // Exim's admin checks judge the real caller, so they come before a root caller becomes the Exim user.
        if (AdminGate.Check(cl, output, error) is { } refused) return refused;
        if (WritesSpool(cl.Mode) && PrivilegeDrop.ForCommand(cl.ConfigPath) is { } dropFailed)
        {
            await error.WriteLineAsync(dropFailed).ConfigureAwait(false);
            return 1;
        }
        return cl.Mode switch
        {
            Mode.Help => HelpCommand.Run(output),
            Mode.Version => await VersionCommand.RunAsync(cl, output, error).ConfigureAwait(false),
            Mode.PrintOptions => PrintOptionsCommand.Run(cl, output, error),
            Mode.Daemon => await DaemonCommand.RunAsync(cl, error).ConfigureAwait(false),
            Mode.ListQueue => ListQueueCommand.Run(cl, output, error),
            Mode.CountQueue => CountQueueCommand.Run(cl, output, error),
            Mode.ShowHeader => await ShowSpoolFileCommand.RunAsync(cl, "-Mvh", "-H", Console.OpenStandardOutput(), output, error).ConfigureAwait(false),
            Mode.ShowBody => await ShowSpoolFileCommand.RunAsync(cl, "-Mvb", "-D", Console.OpenStandardOutput(), output, error).ConfigureAwait(false),
            Mode.ShowLog => await ShowSpoolFileCommand.RunAsync(cl, "-Mvl", "", Console.OpenStandardOutput(), output, error).ConfigureAwait(false),
            Mode.FreezeMessages => await FreezeMessagesCommand.RunAsync(cl, freeze: true, output, error).ConfigureAwait(false),
            Mode.ThawMessages => await FreezeMessagesCommand.RunAsync(cl, freeze: false, output, error).ConfigureAwait(false),
            Mode.MarkAllDelivered or Mode.MarkDelivered or Mode.AddRecipients or Mode.EditSender
                => await EditMessageCommand.RunAsync(cl, cl.Mode, output, error).ConfigureAwait(false),
            Mode.AddressTest => await AddressTestCommand.RunAsync(cl, output, error).ConfigureAwait(false),
            Mode.VerifyRecipient or Mode.VerifySender => await VerifyCommand.RunAsync(cl, Console.In, output, error).ConfigureAwait(false),
            Mode.HostCheck => await HostCheckCommand.RunAsync(cl, Console.OpenStandardInput(), Console.OpenStandardOutput(), error).ConfigureAwait(false),
            Mode.QueueRun => await QueueRunCommand.RunAsync(cl, error).ConfigureAwait(false),
            Mode.DeliverMessages or Mode.GiveUpMessages => await DeliverMessagesCommand.RunAsync(cl, output, error).ConfigureAwait(false),
            Mode.RemoveMessages => await RemoveMessagesCommand.RunAsync(cl, output, error).ConfigureAwait(false),
            Mode.MoveMessages => await MoveMessagesCommand.RunAsync(cl, output, error).ConfigureAwait(false),
            Mode.DumpDatabase => await DumpDatabaseCommand.RunAsync(cl, output, error).ConfigureAwait(false),
            Mode.TidyDatabase => await TidyDatabaseCommand.RunAsync(cl, output, error).ConfigureAwait(false),
            Mode.Control => await ControlCommand.RunAsync(cl, exiwhat: false, output, error).ConfigureAwait(false),
            Mode.Exiwhat => await ControlCommand.RunAsync(cl, exiwhat: true, output, error).ConfigureAwait(false),
            Mode.Submit => await SubmitCommand.RunAsync(cl, Console.OpenStandardInput(), error).ConfigureAwait(false),
            Mode.SmtpInput => await SubmitCommand.RunSmtpAsync(cl, Console.OpenStandardInput(), Console.OpenStandardOutput(), error).ConfigureAwait(false),
            Mode.None => Usage(error),
            _ => NotAvailable(cl.Mode, error),
        };
    }

    /// <summary>
    /// The modes that write to the spool, the logs or the hints, and <c>-bh</c>, which runs the hook scripts and plugins:
    /// started as root with exim_user set, they run as the Exim user from the moment the configuration is read, so what
    /// they create is that user's and no script runs as root (as Exim does). The daemon gives root up itself, after
    /// binding its ports. Local submission gives it up in its own fallback path, after noting who submitted.
    /// </summary>
    private static bool WritesSpool(Mode mode) => mode is Mode.HostCheck or Mode.QueueRun or Mode.DeliverMessages or Mode.GiveUpMessages or Mode.RemoveMessages
        or Mode.MoveMessages or Mode.FreezeMessages or Mode.ThawMessages or Mode.MarkAllDelivered or Mode.MarkDelivered
        or Mode.AddRecipients or Mode.EditSender or Mode.TidyDatabase;

    /// <summary>
    /// The name this process was started by (argv[0] without its directory): <c>sendmail</c>, <c>mailq</c> and the like are
    /// symbolic links to the executable. .NET's own argv[0] is the assembly's path, so the kernel's copy is read.
    /// </summary>
    private static string InvokedAs()
    {
        try
        {
            var cmdline = File.ReadAllBytes("/proc/self/cmdline");
            var end = Array.IndexOf(cmdline, (byte)0);
            return Path.GetFileName(System.Text.Encoding.UTF8.GetString(cmdline, 0, end < 0 ? cmdline.Length : end));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "exim";
        }
    }

    private static int Usage(TextWriter error)
    {
        error.WriteLine("exim: no mode given; try exim --help");
        return 1;
    }

    private static int NotAvailable(Mode mode, TextWriter error)
    {
        error.WriteLine($"exim: {mode} mode is not available in this version");
        return 1;
    }
}
