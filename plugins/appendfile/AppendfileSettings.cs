using Exim.Abstractions.Transports;

namespace Exim.Plugins.Appendfile;

/// <summary>One appendfile transport's options, checked (Exim's defaults).</summary>
internal sealed record AppendfileSettings
{
    /// <summary><c>file</c>: the mailbox, with <c>$local_part</c>, <c>$domain</c> and <c>$address_file</c> still in it; or null.</summary>
    public string? File { get; init; }

    /// <summary><c>directory</c>: as <see cref="File"/>, for delivery of each message to a new file in a directory.</summary>
    public string? Directory { get; init; }

    public bool MaildirFormat { get; init; }
    public bool CreateDirectory { get; init; } = true;

    /// <summary><c>create_file</c>: null for <c>anywhere</c>, else the directory a new file must be below (an absolute path).</summary>
    public string? CreateBelow { get; init; }

    /// <summary><c>mode</c>, Exim's default 0600.</summary>
    public uint Mode { get; init; } = 0x180;

    /// <summary><c>directory_mode</c>, Exim's default 0700.</summary>
    public uint DirectoryMode { get; init; } = 0x1C0;

    /// <summary><c>lockfile_mode</c>, Exim's default 0600.</summary>
    public uint LockfileMode { get; init; } = 0x180;

    public bool ModeFailNarrower { get; init; } = true;
    public bool CheckOwner { get; init; } = true;
    public bool UseLockfile { get; init; } = true;
    public bool UseFcntlLock { get; init; } = true;
    public TimeSpan LockFcntlTimeout { get; init; }
    public int LockRetries { get; init; } = 10;
    public TimeSpan LockInterval { get; init; } = TimeSpan.FromSeconds(3);
    public TimeSpan LockfileTimeout { get; init; } = TimeSpan.FromMinutes(30);
    public int MaildirRetries { get; init; } = 10;

    /// <summary><c>quota</c>: the most bytes a mailbox (or a directory, all its files) may hold; 0 for none.</summary>
    public long Quota { get; init; }

    /// <summary><c>quota_is_inclusive</c>: the message being delivered counts towards the quota (Exim's default).</summary>
    public bool QuotaIsInclusive { get; init; } = true;

    /// <summary>
    /// Exim's quota check before a write: a mailbox of <paramref name="size"/> bytes already (plus this message's
    /// <paramref name="messageSize"/> with <c>quota_is_inclusive</c>) over <c>quota</c> defers with ERRNO_EXIMQUOTA.
    /// </summary>
    public Attempt? OverQuota(long size, long messageSize, string name)
        => Quota > 0 && size + (QuotaIsInclusive ? messageSize : 0) > Quota
            ? Attempt.Defer($"mailbox is full (MTA-imposed quota exceeded while writing to {name})", Attempt.EximQuota)
            : null;

    /// <summary><c>message_prefix</c> and <c>message_suffix</c>, null for Exim's defaults (see <see cref="Prefix"/>).</summary>
    public string? MessagePrefix { get; init; }
    public string? MessageSuffix { get; init; }

    /// <summary><c>check_string</c> and <c>escape_string</c>, null for Exim's defaults.</summary>
    public string? CheckString { get; init; }
    public string? EscapeString { get; init; }

    public MessageWriteOptions WriteOptions { get; init; }

    /// <summary>
    /// Exim's defaults for the affixes and the check and escape strings apply when neither <c>directory</c> nor
    /// <c>maildir_format</c> is set (a mailbox file, or a file named by a redirection): the mbox <c>From </c> line, a blank
    /// line after the message, and <c>From </c> at the start of a body line escaped as <c>&gt;From </c>.
    /// </summary>
    public bool MboxDefaults => Directory is null && !MaildirFormat;

    /// <summary>The prefix, or null for the <c>From sender date</c> line.</summary>
    public string? Prefix => MessagePrefix ?? (MboxDefaults ? null : "");
    public string Suffix => MessageSuffix ?? (MboxDefaults ? "\n" : "");
    public string Check => CheckString ?? (MboxDefaults ? "From " : "");
    public string Escape => EscapeString ?? (MboxDefaults ? ">From " : "");
}
