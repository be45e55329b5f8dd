using Exim.Abstractions.Config;
using Exim.Host.Configuration;
using Exim.Host.Security;
using Exim.Mail.Native;

namespace Exim.Host.Cli.Commands;

/// <summary>
/// Exim's admin-user checks on the queue tools (exim.c and queue.c, 4.96), made before a command does anything:
/// <list type="bullet">
/// <item><c>-bp…</c>, <c>-bpc</c>: admin only while <c>queue_list_requires_admin</c> (default true): <c>exim: permission denied</c>;</item>
/// <item><c>-q…</c>, <c>-R</c>, <c>-S</c>, <c>-MG</c>: admin only while <c>prod_requires_admin</c> (default true): <c>exim: permission denied</c>;</item>
/// <item><c>-M</c>: the same option, with exim.c's other text, <c>exim: Permission denied</c>;</item>
/// <item><c>-Mg</c>: always admin only: <c>exim: permission denied</c>;</item>
/// <item><c>-Mvh</c>, <c>-Mvb</c>, <c>-Mvl</c>: admin only, queue_action's <c>Permission denied</c> on stdout.</item>
/// </list>
/// All exit 1. The other message actions (<c>-Mf</c>, <c>-Mrm</c>, …) check each message once it is locked and read, as
/// queue_action does (see <see cref="SpoolCommandContext.IsAdmin"/>), because a non-admin may remove their own messages.
/// An admin user is root, the Exim user, a member of the Exim group or of <c>admin_groups</c> (<see cref="OperatorRoles"/>).
/// </summary>
internal static class AdminGate
{
    /// <summary>Null when the command may go ahead; else the exit code, the refusal printed.</summary>
    public static int? Check(CommandLine cl, TextWriter output, TextWriter error)
    {
        Func<MainOptions, bool>? applies = cl.Mode switch
        {
            Mode.ListQueue or Mode.CountQueue => m => m.QueueListRequiresAdmin,
            Mode.QueueRun or Mode.MoveMessages or Mode.DeliverMessages => m => m.ProdRequiresAdmin,
            Mode.GiveUpMessages or Mode.ShowHeader or Mode.ShowBody or Mode.ShowLog => _ => true,
            _ => null,
        };
        if (applies is null || Posix.RealUid == 0) return null; // root is always an admin user: nothing to load
        var loaded = TomlConfigLoader.Load(cl.ConfigPath);
        if (!loaded.Succeeded || !applies(loaded.Config.Config.Main)) return null; // a bad configuration: the command says so
        switch (IsAdmin(loaded.Config, error))
        {
            case null: return 1;
            case true: return null;
        }
        var (writer, text) = cl.Mode switch
        {
            Mode.ShowHeader or Mode.ShowBody or Mode.ShowLog => (output, "Permission denied"),
            Mode.DeliverMessages => (error, "exim: Permission denied"),
            _ => (error, "exim: permission denied"),
        };
        writer.WriteLine(text);
        return 1;
    }

    /// <summary>Whether the caller (this process's real user) is an admin user; null when the configuration names a user or group that does not exist (printed).</summary>
    public static bool? IsAdmin(LoadedConfig loaded, TextWriter error)
    {
        if (Posix.RealUid == 0) return true;
        try
        {
            var (roles, caller) = (OperatorRoles.From(loaded.Config.Main, loaded.AtMainOption), CallerIdentity.Invoker);
            // With exim_user unset the Exim user is whoever runs the daemon, not whoever runs this command (OperatorRoles
            // would take this process's own user): then only root and the admin groups count.
            return roles.EximUid is null ? roles.InAdminGroup(caller) : roles.IsAdmin(caller);
        }
        catch (EximConfigException e)
        {
            ConfigErrors.Print([e.Diagnostic], error);
            return null;
        }
    }
}
