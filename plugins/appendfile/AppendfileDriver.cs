using Exim.Abstractions.Plugins;
using Exim.Abstractions.Transports;

namespace Exim.Plugins.Appendfile;

/// <summary>
/// Creates <c>appendfile</c> transports from Exim's options: <c>file</c> or <c>directory</c> (neither for a transport that
/// only delivers redirected <c>/file</c> and <c>/directory/</c> items, Exim's <c>address_file</c> and
/// <c>address_directory</c>), <c>maildir_format</c>, <c>create_directory</c>, <c>create_file</c>, <c>mode</c>,
/// <c>directory_mode</c>, <c>lockfile_mode</c>, <c>mode_fail_narrower</c>, <c>check_owner</c>, <c>use_lockfile</c>,
/// <c>use_fcntl_lock</c>, <c>lock_fcntl_timeout</c>, <c>lock_retries</c>, <c>lock_interval</c>, <c>lockfile_timeout</c>,
/// <c>maildir_retries</c>, <c>quota</c>, <c>quota_is_inclusive</c>, <c>message_prefix</c>, <c>message_suffix</c>, <c>check_string</c>, <c>escape_string</c> and
/// <c>use_crlf</c> (the generic options, such as <c>return_path_add</c>, are the core's). Strings are taken literally but
/// for <c>$local_part</c>, <c>$domain</c> and <c>$address_file</c> in the paths.
/// </summary>
internal sealed class AppendfileDriver : ITransportDriver
{
    public ITransport Create(TransportDefinition definition)
    {
        var o = definition.Options;
        var file = Path(o, "file", definition.Main.ConfigDirectory);
        var directory = Path(o, "directory", definition.Main.ConfigDirectory);
        if (file is not null && directory is not null) throw o.Invalid("directory", "only one of \"file\" or \"directory\" can be specified");
        var maildir = o.GetBoolean("maildir_format") ?? false;
        if (maildir && file is not null) throw o.Invalid("maildir_format", "maildir_format requires \"directory\" to be specified, not \"file\"");
        var settings = new AppendfileSettings
        {
            File = file,
            Directory = directory,
            MaildirFormat = maildir,
            CreateDirectory = o.GetBoolean("create_directory") ?? true,
            CreateBelow = CreateBelow(o),
            Mode = Octal(o, "mode") ?? 0x180,
            DirectoryMode = Octal(o, "directory_mode") ?? 0x1C0,
            LockfileMode = Octal(o, "lockfile_mode") ?? 0x180,
            ModeFailNarrower = o.GetBoolean("mode_fail_narrower") ?? true,
            CheckOwner = o.GetBoolean("check_owner") ?? true,
            UseLockfile = o.GetBoolean("use_lockfile") ?? true,
            UseFcntlLock = o.GetBoolean("use_fcntl_lock") ?? true,
            LockFcntlTimeout = o.GetTime("lock_fcntl_timeout") ?? TimeSpan.Zero,
            LockRetries = Count(o, "lock_retries", 10),
            LockInterval = o.GetTime("lock_interval") ?? TimeSpan.FromSeconds(3),
            LockfileTimeout = o.GetTime("lockfile_timeout") ?? TimeSpan.FromMinutes(30),
            MaildirRetries = Count(o, "maildir_retries", 10),
            Quota = o.GetSize("quota") ?? 0,
            QuotaIsInclusive = o.GetBoolean("quota_is_inclusive") ?? true,
            MessagePrefix = o.GetString("message_prefix"),
            MessageSuffix = o.GetString("message_suffix"),
            CheckString = o.GetString("check_string"),
            EscapeString = o.GetString("escape_string"),
            WriteOptions = o.GetBoolean("use_crlf") ?? false ? MessageWriteOptions.CrLf : MessageWriteOptions.None,
        };
        if (settings.Quota < 0) throw o.Invalid("quota", "must not be negative");
        if (!settings.UseLockfile && !settings.UseFcntlLock) throw o.Invalid("use_fcntl_lock", "no locking configured (use_lockfile and use_fcntl_lock are both false)");
        if (settings.Check.Length == 0 != (settings.Escape.Length == 0)) throw o.Invalid(settings.Check.Length == 0 ? "escape_string" : "check_string", "check_string and escape_string go together");
        return new AppendfileTransport(definition.Name, settings, definition.Main.PrimaryHostname);
    }

    /// <summary>A path option: absolute, or relative to the configuration file's directory (as the maildir driver's <c>directory</c>).</summary>
    private static string? Path(IPluginOptions o, string key, string configDirectory)
    {
        if (o.GetString(key) is not { } value) return null;
        if (value.Length == 0) throw o.Invalid(key, "is empty");
        return value[0] == '$' ? value : System.IO.Path.GetFullPath(value, configDirectory);
    }

    /// <summary>
    /// <c>create_file</c>: <c>anywhere</c> (the default) or an absolute path below which a new file may be created (Exim's
    /// belowhome with that directory). <c>inhome</c> and <c>belowhome</c> compare with the home directory, which is never
    /// known for these deliveries (no check_local_user file deliveries here), so they are refused rather than ignored.
    /// </summary>
    private static string? CreateBelow(IPluginOptions o)
    {
        var value = o.GetString("create_file");
        return value switch
        {
            null or "anywhere" => null,
            ['/', ..] => value.TrimEnd('/'),
            "inhome" or "belowhome" => throw o.Invalid("create_file", $"\"{value}\" needs the recipient's home directory, which these deliveries never have: give an absolute path instead"),
            _ => throw o.Invalid("create_file", $"invalid value given for \"create_file\": '{value}'"),
        };
    }

    /// <summary>A mode as Exim writes it: an octal number in a string (<c>"0600"</c>).</summary>
    private static uint? Octal(IPluginOptions o, string key)
    {
        if (o.GetString(key) is not { } text) return null;
        try
        {
            var mode = Convert.ToUInt32(text, 8);
            return mode <= 0xFFF ? mode : throw o.Invalid(key, $"\"{text}\" is more than 07777");
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            throw o.Invalid(key, $"\"{text}\" is not an octal number");
        }
    }

    private static int Count(IPluginOptions o, string key, int value)
    {
        var given = o.GetInt64(key) ?? value;
        return given is >= 1 and <= 1000 ? (int)given : throw o.Invalid(key, "must be between 1 and 1000");
    }
}
