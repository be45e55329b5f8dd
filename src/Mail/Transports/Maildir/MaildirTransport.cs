using System.Collections.Immutable;
using System.Globalization;
using Exim.Abstractions.Config;
using Exim.Abstractions.Transports;
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
/// in Exim's default configuration (the envelope sender is otherwise lost once the message leaves SMTP; the generic
/// <c>return_path_add = false</c> leaves it out), then the headers and the body exactly as spooled, with LF line ends
/// (the Maildir convention). <c>Envelope-to:</c> and <c>Delivery-date:</c> are added when the generic
/// <c>envelope_to_add</c> and <c>delivery_date_add</c> ask for them.</para>
/// <para>The built-in <c>maildir</c> driver's transport: the core runs it through <see cref="IDeliveryTransport"/>, which
/// keeps the errno of a failed write for the <c>defer (errno)</c> line.</para>
/// </summary>
internal sealed class MaildirTransport(TransportConfig config, string primaryHostname, TimeProvider time) : ITransport, IDeliveryTransport
{
    private static long _counter;

    public bool IsRemote => false;

    /// <summary>Any number: each recipient gets its own file (the generic batch_max decides how many one run gets).</summary>
    public int MaxRecipients => int.MaxValue;

    public TransportConfig Config => config;

    public async ValueTask<TransportResult> DeliverAsync(TransportRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var job = new DeliveryJob(SpoolDeliveryMessage.Of(request.Message), config, [.. request.Recipients.Select(r => r.Address)], [], false, _ => true);
        return TransportOutcomes.ToPublic(await DeliverAsync(job, cancellationToken).ConfigureAwait(false));
    }

    public async Task<TransportRunResult> DeliverAsync(DeliveryJob job, CancellationToken cancellationToken)
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
        return TransportRunResult.Of(results);
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
                await job.Message.WriteToAsync(file, MessageWriteOptions.ReturnPath, cancellationToken).ConfigureAwait(false);
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
