using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Exim.Abstractions.Routing;
using Exim.Abstractions.Transports;

namespace Exim.Plugins.Appendfile;

/// <summary>
/// One <c>appendfile</c> transport (Exim's appendfile.c), one recipient per run. The path is the <c>file</c> or
/// <c>directory</c> option, or for a <c>/path</c> item a redirection generated (with neither option set) the item's path: a
/// directory when it ends in <c>/</c> or <c>maildir_format</c> is set. <c>/dev/null</c> is delivered at once. A file is an
/// mbox (<see cref="Mailbox"/>); a directory gets a new file per message (<see cref="MessageDirectory"/>). Deliveries run as
/// the daemon's user: the owner <c>check_owner</c> expects is that user, never the recipient.
/// </summary>
internal sealed partial class AppendfileTransport(string name, AppendfileSettings settings, string primaryHostname) : ITransport
{
    private readonly Mailbox _mailbox = new(settings, primaryHostname);
    private readonly MessageDirectory _directory = new(settings, primaryHostname);

    public bool IsRemote => false;

    /// <summary>Exim's default batch_max for appendfile: one recipient, one copy.</summary>
    public int MaxRecipients => 1;

    public async ValueTask<TransportResult> DeliverAsync(TransportRequest request, CancellationToken cancellationToken)
    {
        var outcomes = ImmutableArray.CreateBuilder<RecipientOutcome>(request.Recipients.Length);
        foreach (var recipient in request.Recipients)
        {
            var attempt = await DeliverOneAsync(request.Message, recipient, cancellationToken).ConfigureAwait(false);
            outcomes.Add(attempt.For(recipient.Address));
        }
        return new TransportResult(outcomes.MoveToImmutable());
    }

    private async Task<Attempt> DeliverOneAsync(IDeliveryMessage message, DeliveryRecipient recipient, CancellationToken cancellationToken)
    {
        var redirected = recipient.Kind == RedirectItemKind.File;
        string? template;
        bool isDirectory;
        if (redirected && settings.File is null && settings.Directory is null)
        {
            template = recipient.Address;
            isDirectory = template.EndsWith('/') || settings.MaildirFormat;
        }
        else
        {
            template = settings.File ?? settings.Directory;
            isDirectory = settings.Directory is not null;
            if (template is null) return Attempt.Defer($"Mandatory file or directory option missing from {name} transport", -1);
        }
        if (Substitute(template, recipient) is not { } path)
        {
            return Attempt.Defer($"Tainted '{template}' (file or directory name for {name} transport) not permitted", -51);
        }
        if (path.Length == 0 || path[0] != '/') return Attempt.Defer($"appendfile: file or directory name \"{path}\" is not absolute", Attempt.NotAbsolute);
        if (path == "/dev/null") return Attempt.Delivered;
        return isDirectory
            ? await _directory.DeliverAsync(path.TrimEnd('/'), message, cancellationToken).ConfigureAwait(false)
            : await _mailbox.AppendAsync(path, message, redirected, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>$local_part</c>, <c>$domain</c> and <c>$address_file</c> (the redirected path) in a path, in one pass. A local part
    /// or domain that could leave the directory (a <c>/</c>, or a leading dot) gives null, as Exim refuses a tainted name.
    /// </summary>
    private static string? Substitute(string template, DeliveryRecipient recipient)
    {
        if (!template.Contains('$', StringComparison.Ordinal)) return template;
        var refused = false;
        var path = Variables().Replace(template, m =>
        {
            var value = (m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value) switch
            {
                "local_part" => recipient.LocalPart,
                "domain" => recipient.Domain,
                _ => recipient.Kind == RedirectItemKind.File ? recipient.Address : "",
            };
            if (m.Value.Contains("address_file", StringComparison.Ordinal)) return value;
            if (value.Length == 0 || value.Contains('/', StringComparison.Ordinal) || value[0] == '.') refused = true;
            return value;
        });
        return refused ? null : path;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\$(?:\{(local_part|domain|address_file)\}|(local_part|domain|address_file))")]
    private static partial System.Text.RegularExpressions.Regex Variables();

    /// <summary>Exim's default message_prefix: <c>From ${if def:return_path{$return_path}{MAILER-DAEMON}} ${tod_bsdinbox}</c>.</summary>
    internal static string FromLine(string sender, DateTime now)
        => string.Create(CultureInfo.InvariantCulture, $"From {(sender.Length == 0 ? "MAILER-DAEMON" : sender)} {now:ddd MMM} {now.Day,2} {now:HH:mm:ss yyyy}\n");

    /// <summary>The prefix, the message (body lines escaped by check_string/escape_string) and the suffix.</summary>
    internal static async Task WriteMessageAsync(Stream file, IDeliveryMessage message, AppendfileSettings settings, CancellationToken cancellationToken)
    {
        var prefix = settings.Prefix ?? FromLine(message.Sender, DateTime.Now);
        if (prefix.Length > 0) await file.WriteAsync(Encoding.UTF8.GetBytes(prefix), cancellationToken).ConfigureAwait(false);
        if (settings.Check.Length > 0)
        {
            var escaping = new EscapingStream(file, Encoding.UTF8.GetBytes(settings.Check), Encoding.UTF8.GetBytes(settings.Escape));
            await message.WriteToAsync(escaping, settings.WriteOptions, cancellationToken).ConfigureAwait(false);
            await escaping.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await message.WriteToAsync(file, settings.WriteOptions, cancellationToken).ConfigureAwait(false);
        }
        if (settings.Suffix.Length > 0) await file.WriteAsync(Encoding.UTF8.GetBytes(settings.Suffix), cancellationToken).ConfigureAwait(false);
    }
}
