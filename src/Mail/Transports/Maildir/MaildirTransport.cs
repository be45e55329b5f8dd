using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Exim.Mail.Delivery;
using Exim.Mail.Native;
using Exim.Mail.Retry;

namespace Exim.Mail.Transports.Maildir;

/// <summary>
/// Exim's appendfile in maildir mode, one recipient at a time: <c>directory</c> with <c>$local_part</c> and
/// <c>$domain</c> substituted (a recipient whose local part or domain cannot name a directory under the mailbox root
/// fails, see <see cref="MailboxDirectory"/>); <c>tmp</c>, <c>new</c> and <c>cur</c> created when missing; the message written to
/// <c>tmp/&lt;unique&gt;</c>, fsynced, renamed into <c>new/</c>, and <c>new/</c> (and a newly made maildir's parent)
/// fsynced before the delivery counts as done, so a crash can lose a tmp file but never a delivered message.
/// <para>Content: a <c>Return-path: &lt;sender&gt;</c> header first, as appendfile's <c>return_path_add</c> writes it
/// in Exim's default configuration (the envelope sender is otherwise lost once the message leaves SMTP), then the
/// headers and the body exactly as spooled, with LF line ends (the Maildir convention). Exim's other optional
/// additions (<c>Envelope-to:</c>, <c>Delivery-date:</c>) are options of their own and are not added.</para>
/// </summary>
internal sealed class MaildirTransport(string primaryHostname, TimeProvider time) : IDeliveryTransport
{
    private static long _counter;

    public async Task<TransportResult> DeliverAsync(DeliveryJob job, CancellationToken cancellationToken)
    {
        var results = ImmutableArray.CreateBuilder<RecipientResult>(job.Recipients.Length);
        foreach (var recipient in job.Recipients)
        {
            if (job.Transport.Directory is not { } pattern)
            {
                results.Add(Deferred(recipient, $"the {job.Transport.Name} transport has no directory option", Errno.Unknown));
                continue;
            }
            if (!MailboxDirectory.TryExpand(pattern, recipient, out var root, out var refused))
            {
                // A permanent error: no retry makes such a local part a directory name (Exim's ERRNO_BADCREATE).
                results.Add(new RecipientResult(recipient, RecipientStatus.Failed, refused, Errno.BadCreate));
                continue;
            }
            try
            {
                await DeliverOneAsync(job, root, cancellationToken).ConfigureAwait(false);
                results.Add(new RecipientResult(recipient, RecipientStatus.Delivered));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                results.Add(Deferred(recipient, e.Message, e.HResult & 0xFFFF));
            }
        }
        return TransportResult.Of(results);
    }

    private static RecipientResult Deferred(string recipient, string message, int errno)
        => new(recipient, RecipientStatus.Deferred, message, errno, RetryKey: RetryKeys.Address(recipient), ErrorName: "local");

    /// <summary>Delivers into the maildir <paramref name="root"/>, creating it when missing.</summary>
    private async Task DeliverOneAsync(DeliveryJob job, string root, CancellationToken cancellationToken)
    {
        var created = !Directory.Exists(Path.Combine(root, "new"));
        foreach (var sub in (ReadOnlySpan<string>)["tmp", "new", "cur"])
        {
            Directory.CreateDirectory(Path.Combine(root, sub), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var name = UniqueName();
        var temp = Path.Combine(root, "tmp", name);
        try
        {
            await using (var file = new FileStream(temp, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                BufferSize = 64 * 1024,
                Options = FileOptions.Asynchronous,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            }))
            {
                await file.WriteAsync(Encoding.Latin1.GetBytes($"Return-path: <{job.Message.Sender}>\n"), cancellationToken).ConfigureAwait(false);
                await file.WriteAsync(job.Message.HeaderBytes(), cancellationToken).ConfigureAwait(false);
                await file.WriteAsync("\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
                await job.Message.ReadBodyAsync((chunk, ct) => file.WriteAsync(chunk, ct), cancellationToken).ConfigureAwait(false);
                await file.FlushAsync(cancellationToken).ConfigureAwait(false);
                file.Flush(flushToDisk: true);
            }
            File.Move(temp, Path.Combine(root, "new", name));
        }
        catch
        {
            try { File.Delete(temp); }
            catch (IOException) { }
            throw;
        }
        Posix.FsyncDirectory(Path.Combine(root, "new"));
        if (created)
        {
            Posix.FsyncDirectory(root);
            if (Path.GetDirectoryName(Path.GetFullPath(root)) is { } parent) Posix.FsyncDirectory(parent);
        }
    }

    /// <summary>
    /// The Maildir name <c>seconds.MmicrosPpidQn.host</c>: unique across processes (pid), within one (a counter) and
    /// across hosts sharing the directory; <c>/</c> and <c>:</c> in the host name are octal-escaped as the spec says.
    /// </summary>
    private string UniqueName()
    {
        var now = time.GetUtcNow();
        var micros = now.Ticks % TimeSpan.TicksPerSecond / 10;
        var host = primaryHostname.Replace("/", "\\057", StringComparison.Ordinal).Replace(":", "\\072", StringComparison.Ordinal);
        var n = Interlocked.Increment(ref _counter);
        return string.Create(CultureInfo.InvariantCulture, $"{now.ToUnixTimeSeconds()}.M{micros}P{Environment.ProcessId}Q{n}.{host}");
    }
}
