using Exim.Mail.Delivery;
using Exim.Mail.Spool;

namespace Exim.Host.Cli.Commands;

/// <summary>
/// A message taken for one of queue_action's edits (<c>-Mf</c>, <c>-Mt</c>, <c>-Mmad</c>, <c>-Mmd</c>): its lock held and its -H
/// file read, or Exim's line saying why not (<c>Message &lt;id&gt; is locked</c>, <c>Spool data file for &lt;id&gt; does not
/// exist</c>, <c>Spool read error ...</c>, <c>Spool format error ...</c>).
/// </summary>
internal static class LockedMessage
{
    /// <summary>
    /// Exim's checks of the ids before anything is opened: <c>no message ids given after &lt;option&gt; option</c> and
    /// <c>malformed message id &lt;id&gt; after &lt;option&gt; option</c> (on stderr); false when one failed.
    /// </summary>
    public static async Task<bool> CheckIdsAsync(IReadOnlyCollection<string> ids, string option, TextWriter error)
    {
        if (ids.Count == 0)
        {
            await error.WriteLineAsync($"exim: no message ids given after {option} option").ConfigureAwait(false);
            return false;
        }
        if (ids.FirstOrDefault(a => !MessageId.IsValid(a)) is not { } bad) return true;
        await error.WriteLineAsync($"exim: malformed message id {bad} after {option} option").ConfigureAwait(false);
        return false;
    }

    /// <summary>
    /// Locks and reads the message (split or not: see <see cref="SpoolPaths"/>); null and the line to print when it cannot be, else the lock to dispose. Unless
    /// <paramref name="admin"/>, queue_action's <c>Permission denied</c> once the message is read (only admin users may change one).
    /// </summary>
    public static MessageLock? Open(Exim.Abstractions.Config.MainOptions main, string? queue, string id, bool admin, out SpoolHeader? header, out string? failure)
    {
        header = null;
        var attempt = MessageLock.TryAcquire(main.SpoolDirectory, queue, id, main.SplitSpoolDirectory, out var held);
        failure = attempt switch
        {
            LockAttempt.Locked => $"Message {id} is locked",
            LockAttempt.NotFound => $"Spool data file for {id} does not exist",
            _ => null,
        };
        if (failure is not null) return null;
        failure = SpoolHeaderFile.Load(Path.Combine(held!.InputDirectory, id + "-H"), out header) switch
        {
            SpoolReadStatus.FormatError => $"Spool format error for {id}-H",
            SpoolReadStatus.Unreadable => $"Spool read error for {id}-H: Permission denied",
            SpoolReadStatus.NotFound => $"Spool read error for {id}-H: No such file or directory",
            _ => null,
        } ?? (admin ? null : "Permission denied");
        if (failure is null) return held;
        held.Dispose();
        return null;
    }
}
