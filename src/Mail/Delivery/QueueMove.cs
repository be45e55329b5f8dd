using Exim.Mail.Native;
using Exim.Mail.Spool;

namespace Exim.Mail.Delivery;

/// <summary>
/// Moves a message from one queue to another (<c>exim -MG</c>) under its lock, so no delivery runs meanwhile. The files
/// are linked into the destination first (-D, then -H), the destination directory is made durable, and only then are
/// the source names removed (-H, then -D): a crash part-way leaves the message in one queue or, briefly, in both (both
/// names share one -D file and so one lock), never in neither.
/// </summary>
internal static class QueueMove
{
    public static LockAttempt Move(string spoolDirectory, string id, string? from, string? to)
    {
        var source = SpoolPaths.Input(spoolDirectory, from);
        var attempt = MessageLock.TryAcquire(source, id, out var held);
        if (held is null) return attempt;
        using (held)
        {
            var destination = SpoolPaths.EnsureInput(spoolDirectory, to);
            foreach (var suffix in (ReadOnlySpan<string>)["-D", "-H"]) Posix.Link(Path.Combine(source, id + suffix), Path.Combine(destination, id + suffix));
            Posix.FsyncDirectory(destination);
            File.Delete(Path.Combine(source, id + "-H"));
            File.Delete(Path.Combine(source, id + "-D"));
            Posix.FsyncDirectory(source);
        }
        return LockAttempt.Acquired;
    }
}
