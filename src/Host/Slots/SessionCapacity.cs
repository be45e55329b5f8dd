using System.Globalization;
using Exim.Mail.Native;

namespace Exim.Host.Slots;

/// <summary>
/// How many SMTP sessions the daemon can really hold. Exim clamps smtp_accept_max to 4096 because each of its sessions
/// is a process; ours are not, so the real bound is the file descriptors: one per session, and a share of RLIMIT_NOFILE
/// kept back for everything else (the runtime holds each loaded assembly open, about 140 at rest; listeners, spool and log
/// files, hints databases, plugins, delivery connections): a tenth of the limit, at least 256 (but never more than three
/// quarters of a tiny limit). smtp_accept_max above what is left (or 0, no limit) is
/// cut to it, so a flood gets Exim's 421 "too many connections" rather than accept() failing with EMFILE.
/// </summary>
/// <param name="Configured">smtp_accept_max as configured; 0 is no limit.</param>
/// <param name="Effective">The limit that applies: <paramref name="Configured"/>, or what the descriptors allow when that is less.</param>
/// <param name="DescriptorLimit">RLIMIT_NOFILE's soft limit, or null when it is unknown or unlimited.</param>
internal readonly record struct SessionCapacity(int Configured, int Effective, long? DescriptorLimit)
{
    /// <summary>Whether the descriptors cut smtp_accept_max down.</summary>
    public bool IsCut => Effective != Configured;

    /// <summary>Descriptors kept back from sessions for the rest of the daemon, out of <paramref name="limit"/>.</summary>
    public static long Reserve(long limit) => Math.Min(Math.Max(256, limit / 10), limit - limit / 4);

    /// <summary>The capacity for <paramref name="configured"/> under a soft descriptor limit of <paramref name="limit"/> (null: none known).</summary>
    public static SessionCapacity For(int configured, long? limit)
    {
        if (limit is not { } l) return new SessionCapacity(configured, configured, null);
        var allowed = (int)Math.Min(int.MaxValue, Math.Max(1, l - Reserve(l)));
        return new SessionCapacity(configured, configured == 0 || configured > allowed ? allowed : configured, l);
    }

    /// <summary>The capacity under this process's soft limit (call <see cref="RaiseDescriptorLimit"/> first to lift it to the hard one).</summary>
    public static SessionCapacity ForThisProcess(int configured)
        => For(configured, Posix.TryGetDescriptorLimit(out var soft, out _) && soft < long.MaxValue ? (long)soft : null);

    /// <summary>
    /// The capacity a daemon started now would have: its soft limit raised to the hard limit first (what <c>-bP</c>
    /// reports without changing its own limit).
    /// </summary>
    public static SessionCapacity ForDaemon(int configured)
        => For(configured, Posix.TryGetDescriptorLimit(out _, out var hard) && Raisable(hard) < long.MaxValue ? (long)Raisable(hard) : null);

    /// <summary>
    /// Raises RLIMIT_NOFILE's soft limit to the hard limit (or to fs.nr_open where the hard limit is unlimited, which
    /// Linux refuses as a soft limit). Null when done or not needed; otherwise what failed.
    /// </summary>
    public static string? RaiseDescriptorLimit()
    {
        if (!Posix.TryGetDescriptorLimit(out var soft, out var hard)) return "getrlimit(RLIMIT_NOFILE) failed";
        var target = Raisable(hard);
        if (soft >= target) return null;
        var errno = Posix.SetDescriptorSoftLimit(target);
        return errno == 0 ? null : $"setrlimit(RLIMIT_NOFILE, {target}) failed: errno {errno}; the soft limit stays {soft}";
    }

    /// <summary>The line for the log and for <c>-bP</c>: smtp_accept_max as configured, the limit that applies and why.</summary>
    public string Describe()
        => $"smtp_accept_max = {Configured}{(Configured == 0 ? " (no limit)" : "")} is more than the file descriptors allow: "
            + $"at most {Effective} SMTP sessions at once (RLIMIT_NOFILE {DescriptorLimit}, of which {Reserve(DescriptorLimit ?? 0)} kept for listeners, files and deliveries)";

    private static ulong Raisable(ulong hard)
    {
        if (hard != ulong.MaxValue) return hard;
        try
        {
            return ulong.Parse(File.ReadAllText("/proc/sys/fs/nr_open").Trim(), CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or OverflowException)
        {
            return hard;
        }
    }
}
