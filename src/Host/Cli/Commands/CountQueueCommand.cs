using System.Globalization;
using Exim.Host.Configuration;
using Exim.Mail.Spool;

namespace Exim.Host.Cli.Commands;

/// <summary><c>exim -bpc</c>: the number of messages in the queue (the named one with <c>-qG&lt;name&gt;</c>) and a newline.</summary>
internal static class CountQueueCommand
{
    public static int Run(CommandLine cl, TextWriter output, TextWriter error)
    {
        var result = TomlConfigLoader.Load(cl.ConfigPath);
        if (!result.Succeeded) return ConfigErrors.Print(result.Errors, error);
        output.Write(SpoolQueue.Count(result.Config.Config.Main.SpoolDirectory, cl.QueueName).ToString(CultureInfo.InvariantCulture) + "\n");
        return 0;
    }
}
