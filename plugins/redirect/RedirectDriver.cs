using System.Collections.Immutable;
using System.Globalization;
using Exim.Abstractions.Plugins;
using Exim.Abstractions.Routing;

namespace Exim.Plugins.Redirect;

/// <summary>
/// Creates <c>redirect</c> routers from Exim's options: exactly one of <c>data</c>, <c>file</c> or <c>aliases_file</c>
/// (ours), <c>allow_fail</c>, <c>allow_defer</c>, <c>forbid_blackhole</c>, <c>forbid_include</c>, <c>forbid_file</c>,
/// <c>forbid_pipe</c>, <c>file_transport</c>, <c>directory_transport</c>, <c>pipe_transport</c>, <c>check_ancestor</c>,
/// <c>qualify_domain</c>, <c>qualify_preserve_domain</c>, <c>include_directory</c>, <c>check_local_user</c>,
/// <c>check_owner</c>, <c>owners</c> and <c>modemask</c>.
/// </summary>
internal sealed class RedirectDriver : IRouterDriver
{
    public IRouter Create(RouterDefinition definition)
    {
        var o = definition.Options;
        var data = o.GetString("data");
        var file = o.GetString("file");
        var aliases = o.GetString("aliases_file");
        var given = (data is null ? 0 : 1) + (file is null ? 0 : 1) + (aliases is null ? 0 : 1);
        if (given != 1)
        {
            var key = given == 0 ? "data" : data is not null && file is not null ? "file" : "aliases_file";
            throw o.Invalid(key, (given == 0 ? "" : "only ") + "one of \"file\", \"data\" or \"aliases_file\" must be specified");
        }
        var source = data is not null ? RedirectSource.Data : file is not null ? RedirectSource.File : RedirectSource.AliasesFile;
        var checkLocalUser = o.GetBoolean("check_local_user") ?? false;
        var path = file ?? aliases;
        if (path is not null)
        {
            if (path.Length == 0) throw o.Invalid(file is null ? "aliases_file" : "file", "is empty");
            if (!path.StartsWith('$')) path = Path.GetFullPath(path, definition.Main.ConfigDirectory);
            if (!checkLocalUser && path.Contains("$home", StringComparison.Ordinal))
            {
                throw o.Invalid(file is null ? "aliases_file" : "file", "uses $home, which is only known with check_local_user = true");
            }
        }

        var qualifyDomain = o.GetString("qualify_domain");
        var preserve = o.GetBoolean("qualify_preserve_domain") ?? false;
        if (qualifyDomain is not null && preserve) throw o.Invalid("qualify_domain", "only one of \"qualify_domain\" or \"qualify_preserve_domain\" must be set");
        var owners = Owners(o);
        var includeDirectory = o.GetString("include_directory");

        // Exim reads a user's .forward and runs its pipes and file deliveries as that user. We cannot: the daemon has
        // dropped to the Exim user, who can read the spool. So on a router over users' own files (check_local_user), a
        // pipe or file would run as the Exim user, and :include: would read any file the Exim user can: both refused.
        if (checkLocalUser)
        {
            foreach (var key in (ReadOnlySpan<string>)["pipe_transport", "file_transport", "directory_transport"])
            {
                if (o.GetString(key) is not null)
                {
                    throw o.Invalid(key, "cannot be set with check_local_user = true: a user's pipes and files would run as the Exim user, not the user (no per-user delivery here)");
                }
            }
        }
        var forbidInclude = o.GetBoolean("forbid_include") ?? false;
        if (checkLocalUser && includeDirectory is null) forbidInclude = true;

        var settings = new RedirectSettings
        {
            Source = source,
            Value = data ?? path!,
            AllowFail = o.GetBoolean("allow_fail") ?? false,
            AllowDefer = o.GetBoolean("allow_defer") ?? false,
            ForbidBlackhole = o.GetBoolean("forbid_blackhole") ?? false,
            ForbidInclude = forbidInclude,
            ForbidFile = o.GetBoolean("forbid_file") ?? false,
            ForbidPipe = o.GetBoolean("forbid_pipe") ?? false,
            CheckAncestor = o.GetBoolean("check_ancestor") ?? false,
            QualifyPreserveDomain = preserve,
            QualifyDomain = qualifyDomain,
            IncludeDirectory = includeDirectory is null ? null : Path.GetFullPath(includeDirectory, definition.Main.ConfigDirectory),
            FileTransport = o.GetString("file_transport"),
            DirectoryTransport = o.GetString("directory_transport"),
            PipeTransport = o.GetString("pipe_transport"),
            CheckLocalUser = checkLocalUser,
            // Exim's default: check the owner when check_local_user or owners is set.
            CheckOwner = o.GetBoolean("check_owner") ?? (checkLocalUser || owners.Length > 0),
            Owners = owners,
            ModeMask = ModeMask(o),
        };
        return new RedirectRouter(settings, definition.Main.QualifyRecipient);
    }

    /// <summary><c>owners</c>: user names or numeric uids, looked up when the configuration is loaded (as Exim's opt_uidlist).</summary>
    private static ImmutableArray<uint> Owners(IPluginOptions o)
    {
        if (o.GetList("owners") is not { } list) return [];
        var uids = ImmutableArray.CreateBuilder<uint>(list.Length);
        foreach (var item in list)
        {
            if (uint.TryParse(item, NumberStyles.None, CultureInfo.InvariantCulture, out var uid)) uids.Add(uid);
            else uids.Add(Native.GetUser(item)?.Uid ?? throw o.Invalid("owners", $"user {item} was not found"));
        }
        return uids.MoveToImmutable();
    }

    /// <summary><c>modemask</c>: an octal number as Exim writes it (<c>"022"</c>); default 022.</summary>
    private static uint ModeMask(IPluginOptions o)
    {
        if (o.GetString("modemask") is not { } text) return RedirectSettings.Octal022;
        try
        {
            var mask = Convert.ToUInt32(text, 8);
            return mask <= 0xFFF ? mask : throw o.Invalid("modemask", $"\"{text}\" is more than 07777");
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            throw o.Invalid("modemask", $"\"{text}\" is not an octal number");
        }
    }
}
