using System.Buffers;
using System.Text;
using Exim.Abstractions.Config;
using Exim.Mail.Matching;
using Exim.Abstractions.Policy;
using Exim.Abstractions.Scripting;
using Exim.Mail.Smtp;
using Exim.Mail.Smtp.Policy;
using Exim.Mail.Spool;
using Microsoft.Extensions.Logging;
using MimeKit;

namespace Exim.Mail.Submission;

/// <summary>
/// Receives a locally submitted message (<c>exim -bm</c>, <c>sendmail</c>) into the spool through the same code as
/// SMTP (<see cref="MessageReceiver"/>, <see cref="FileSpool.CommitAsync(SpoolMessage, Envelope, IReadOnlyList{SpoolHeaderLine}, CancellationToken)"/>),
/// with Exim's rules for a local message (exim.c, receive.c):
/// <list type="bullet">
/// <item>The envelope sender is the caller's login at qualify_domain, unless a trusted caller gave <c>-f</c>, or an
/// untrusted one gave <c>-f &lt;&gt;</c> or an address <c>untrusted_set_sender</c> matches (others are ignored, as Exim
/// ignores them).</item>
/// <item>With <c>-t</c> the recipients come from To:, Cc: and Bcc:, Bcc: is kept on the spool but never delivered, and
/// the argument addresses are removed from them (<c>extract_addresses_remove_arguments</c>; false adds them).</item>
/// <item>Fix-ups: a From: holding just the login is rewritten with the name; a missing Message-Id:, From: and Date: are
/// added; an untrusted caller's Sender: is dropped (unless <c>local_sender_retain</c>) and, with
/// <c>local_from_check</c>, a Sender: is added when From: is not the caller's address (after removing
/// <c>local_from_prefix</c>/<c>local_from_suffix</c>); a Received: header <c>from &lt;login&gt; by &lt;host&gt; with local</c>
/// goes first.</item>
/// <item>The log line is Exim's <c>&lt;= sender U=login P=local S=size</c>.</item>
/// </list>
/// CR LF in the input becomes LF (the spool form). The message is durable when this returns 250.
/// </summary>
internal sealed class LocalReception(MainOptions main, string version, FileSpool spool, TimeProvider time, ILogger logger)
{
    /// <summary>
    /// The not_smtp stage (Exim's acl_not_smtp): a policy session for the submitting user, or null when nothing decides
    /// there. It decides once the message is read, fixed up and spooled, before it is committed.
    /// </summary>
    public Func<LocalCaller, PolicySession>? NotSmtp { get; init; }

    private readonly AddressList _untrustedSetSender = new(main.UntrustedSetSender, main.PrimaryHostname, Matching.DomainList.NamedLists(main));

    /// <summary>The envelope sender Exim would use for <paramref name="caller"/> given <paramref name="requested"/> (-f, or null), and whether -f was honoured.</summary>
    public (string Sender, bool Forced) SenderFor(LocalCaller caller, string? requested)
    {
        if (requested is not null)
        {
            var address = StripAngles(requested);
            var qualified = address.Length == 0 || address.Contains('@', StringComparison.Ordinal) ? address : $"{address}@{main.QualifyDomain}";
            if (caller.Trusted || qualified.Length == 0 || (!main.UntrustedSetSender.IsEmpty && _untrustedSetSender.Matches(qualified)))
            {
                return (qualified, true);
            }
        }
        return (OriginatorAddress(caller), false);
    }

    private string OriginatorAddress(LocalCaller caller) => $"{caller.Login}@{main.QualifyDomain}";

    public async Task<SubmissionOutcome> ReceiveAsync(LocalCaller caller, SubmissionRequest request, Stream input, CancellationToken cancellationToken)
    {
        var (sender, _) = SenderFor(caller, request.Sender);
        // Exim's sender_local: no -f on a non-SMTP message, or a caller that is not trusted.
        var senderLocal = request.Sender is null || !caller.Trusted;
        var name = request.FullName ?? (request.Sender is null || !caller.Trusted ? caller.GecosName : "");
        if (!TryRecipients(request.Recipients, out var arguments, out var badArgument))
        {
            return SubmissionOutcome.Refused($"bad recipient address \"{badArgument}\"");
        }
        if (!request.ExtractRecipients && arguments.Count == 0) return SubmissionOutcome.Refused("no recipients given");

        SpoolMessage message;
        try
        {
            message = spool.Create();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            SubmissionLog.SpoolFailed(logger, "-", caller.Login, e.Message);
            return SubmissionOutcome.Temporary("spool write failed: temporary local problem - please try later");
        }
        var committed = false;
        try
        {
            var receiver = new MessageReceiver(message.Data, main.MessageSizeLimit);
            await ReadAsync(input, receiver, cancellationToken).ConfigureAwait(false);
            if (receiver.TooBig)
            {
                SubmissionLog.TooBig(logger, sender, caller.Login, receiver.ReadAtLimit, main.MessageSizeLimit);
                return new SubmissionOutcome(552, $"message too big (max={main.MessageSizeLimit})");
            }
            await receiver.FinishAsync().ConfigureAwait(false);

            var headers = new List<SpoolHeaderLine>(receiver.Headers.Count + 6);
            foreach (var h in receiver.Headers) headers.Add(new SpoolHeaderLine(SpoolHeaderFile.Flag(h), h + "\n"));
            var fixups = new HeaderFixups(main, caller, sender, name, senderLocal);
            fixups.RewriteLoginFrom(headers);
            fixups.DropSender(headers);

            var recipients = arguments;
            if (request.ExtractRecipients)
            {
                var extracted = Extract(headers, out var bad);
                if (bad is not null || extracted.Count == 0 || (main.ExtractAddressesRemoveArguments && extracted.TrueForAll(r => arguments.Contains(r, StringComparer.OrdinalIgnoreCase))))
                {
                    var what = bad is not null ? "bad addresses" : "no recipients";
                    SubmissionLog.NoRecipients(logger, what);
                    return SubmissionOutcome.Refused(bad is not null ? $"{what} found in headers: {bad}"
                        : extracted.Count > 0 ? "all -t recipients overridden by command line" : $"{what} found in headers");
                }
                recipients = main.ExtractAddressesRemoveArguments
                    ? [.. extracted.Where(r => !arguments.Contains(r, StringComparer.OrdinalIgnoreCase))]
                    : [.. arguments, .. extracted.Where(r => !arguments.Contains(r, StringComparer.OrdinalIgnoreCase))];
            }

            var now = time.GetLocalNow();
            fixups.AddMissing(headers, message.Id, now);
            headers.Insert(0, new SpoolHeaderLine('P', ReceivedHeader(caller.Login, sender, message.Id, recipients, now)));
            long size = receiver.BodyBytes + 1;
            foreach (var h in headers)
            {
                if (h.Flag != SpoolHeaderFile.Deleted) size += Encoding.Latin1.GetByteCount(h.Text);
            }
            var (shown, idText) = (sender.Length == 0 ? "<>" : sender, receiver.MessageId is { } mid && Logging.LogSelection.Of(main).Has(Logging.LogSelection.MsgId) ? $" id={Text.ClientText.Printing(mid)}" : "");
            IReadOnlyList<SpoolHeaderLine> lines = headers;
            PolicyModifiers? modifiers = null;
            if (NotSmtp is { } policyFor)
            {
                var policy = policyFor(caller);
                policy.Transaction = new LocalMessageTransaction(sender, recipients);
                Verdict verdict;
                using (var staged = new SpoolStageMessage(message.Id, message.DataPath, SpoolHeaderFile.Visible(headers), size, receiver.BodyLines))
                {
                    verdict = await policy.DecideAsync(SmtpStage.NotSmtp, message: staged).ConfigureAwait(false);
                }
                switch (verdict.Kind)
                {
                    case VerdictKind.Accept:
                        if (!policy.ForMessage.IsEmpty) modifiers = policy.ForMessage;
                        break;
                    case VerdictKind.Discard:
                        // receive.c: the message is taken (the caller is told so) and its recipients dropped: the <= line,
                        // then the blackhole line; nothing is kept.
                        SubmissionLog.Received(logger, message.Id, shown, caller.Login, "local", size, idText);
                        SmtpLog.Blackholed(logger, message.Id, "non-SMTP", verdict.LogText is { } log ? ": " + log : "");
                        SmtpLog.Completed(logger, message.Id);
                        return new SubmissionOutcome(250, "", message.Ref, HoldDelivery: true);
                    default:
                        // receive.c: "F=<sender> rejected by non-SMTP ACL: <log message>" to the main and reject logs, and
                        // the submitter told "message rejected by non-SMTP ACL: <message>". A deferral (or a policy that
                        // failed) is a temporary refusal here: sendmail's EX_TEMPFAIL, so a caller may try again.
                        SubmissionLog.RejectedByPolicy(logger, sender, StageReplies.LogSuffix(verdict));
                        Exim.Abstractions.Diagnostics.EximMetrics.Rejected(Exim.Abstractions.Diagnostics.RejectionStage.NotSmtp);
                        var why = "rejected by non-SMTP ACL: " + (verdict.Message ?? "local configuration problem");
                        return StageReplies.Temporary(verdict) ? SubmissionOutcome.Temporary(why) : SubmissionOutcome.Refused(why);
                }
            }
            if (modifiers is not null)
            {
                (lines, size) = modifiers.Apply(lines, size);
                if (modifiers.Queue is { } queue && !string.Equals(queue, message.Queue, StringComparison.Ordinal)) message = spool.MoveToQueue(message, queue);
            }
            var frozen = modifiers?.Frozen == true;
            var envelope = new Envelope(sender, [.. recipients], now, null, null, null, null, null, "local", receiver.BodyLines, receiver.MaxLineLength)
            {
                Originator = (caller.Login, caller.Uid, caller.Gid),
                FrozenAt = frozen ? now : null,
            };
            await spool.CommitAsync(message, envelope, lines, cancellationToken).ConfigureAwait(false);
            committed = true;
            SubmissionLog.Received(logger, message.Id, shown, caller.Login, "local", size, idText);
            if (frozen) SmtpLog.FrozenByPolicy(logger, message.Id);
            Exim.Abstractions.Diagnostics.EximMetrics.MessageReceived(size);
            // The message's own log starts with the reception, as receive.c writes it (-Mvl shows it).
            var received = $"Received from {shown} U={caller.Login} P=local S={size}{idText}";
            if (main.MessageLogs
                && (frozen ? Spool.MessageLog.Append(message.InputDirectory, message.Id, now.DateTime, received, "frozen by ACL")
                    : Spool.MessageLog.Append(message.InputDirectory, message.Id, now.DateTime, received)) is { } failed)
            {
                SubmissionLog.MessageLogFailed(logger, message.Id, failed.Message);
            }
            return new SubmissionOutcome(250, "", message.Ref, HoldDelivery: modifiers?.QueueOnly == true);
        }
        catch (IncompleteMessageException e)
        {
            // The submitter died mid-message (receive.c logs "... while reading local message" and keeps nothing).
            SubmissionLog.Incomplete(logger, message.Id, e.Message, caller.Login);
            return SubmissionOutcome.Temporary("message incomplete: nothing was accepted");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            SubmissionLog.SpoolFailed(logger, message.Id, caller.Login, e.Message);
            return SubmissionOutcome.Temporary("spool write failed: temporary local problem - please try later");
        }
        finally
        {
            if (!committed) await FileSpool.AbandonAsync(message).ConfigureAwait(false);
        }
    }

    /// <summary>The input into the receiver, CR LF made LF (a CR split from its LF by a read boundary is held back).</summary>
    private static async Task ReadAsync(Stream input, MessageReceiver receiver, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            var held = false; // a CR at the end of the last read
            int read;
            while ((read = await input.ReadAsync(buffer.AsMemory(1, buffer.Length - 1), cancellationToken).ConfigureAwait(false)) > 0)
            {
                var start = 1;
                if (held)
                {
                    buffer[0] = (byte)'\r';
                    start = 0;
                }
                var end = read + 1;
                held = buffer[end - 1] == (byte)'\r';
                if (held) end--;
                receiver.Add(Normalise(buffer.AsSpan(start, end - start)));
            }
            if (held) receiver.Add("\r"u8);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Removes each CR that comes before a LF, in place.</summary>
    private static ReadOnlySpan<byte> Normalise(Span<byte> bytes)
    {
        var w = 0;
        for (var r = 0; r < bytes.Length; r++)
        {
            if (bytes[r] == (byte)'\r' && r + 1 < bytes.Length && bytes[r + 1] == (byte)'\n') continue;
            bytes[w++] = bytes[r];
        }
        return bytes[..w];
    }

    /// <summary>Exim's default received_header_text for a local message.</summary>
    private string ReceivedHeader(string login, string sender, string id, IReadOnlyList<string> recipients, DateTimeOffset now)
    {
        var sb = new StringBuilder("Received: from ").Append(login).Append(" by ").Append(main.PrimaryHostname)
            .Append(" with local (Exim ").Append(version).Append(")\n\t");
        if (sender.Length > 0) sb.Append("(envelope-from <").Append(sender).Append(">)\n\t");
        sb.Append("id ").Append(id);
        if (recipients.Count == 1) sb.Append("\n\tfor ").Append(recipients[0]);
        return sb.Append(";\n\t").Append(SmtpSettings.RfcDate(now)).Append('\n').ToString();
    }

    /// <summary>The addresses of the arguments (each may hold several, comma-separated, as Exim allows), qualified.</summary>
    private bool TryRecipients(IEnumerable<string> arguments, out List<string> recipients, out string? bad)
    {
        recipients = [];
        bad = null;
        foreach (var argument in arguments)
        {
            if (!TryAddresses(argument, recipients))
            {
                bad = Text.ClientText.Printing(argument);
                return false;
            }
        }
        return true;
    }

    /// <summary>The To:, Cc: and Bcc: addresses (Bcc: headers then marked deleted, as Exim marks them old).</summary>
    private List<string> Extract(List<SpoolHeaderLine> headers, out string? bad)
    {
        var found = new List<string>();
        bad = null;
        for (var i = 0; i < headers.Count; i++)
        {
            var h = headers[i];
            if (h.Flag == SpoolHeaderFile.Deleted) continue;
            var bcc = HeaderFixups.Named(h.Text, "Bcc");
            if (!bcc && !HeaderFixups.Named(h.Text, "To") && !HeaderFixups.Named(h.Text, "Cc")) continue;
            var value = h.Text[(h.Text.IndexOf(':', StringComparison.Ordinal) + 1)..].Replace("\n", "", StringComparison.Ordinal);
            if (value.Trim().Length > 0 && !TryAddresses(value, found)) bad ??= Text.ClientText.Printing(value.Trim());
            if (bcc) headers[i] = h with { Flag = SpoolHeaderFile.Deleted };
        }
        return found;
    }

    /// <summary>Adds the addresses in <paramref name="text"/> (a mailbox list; groups are opened), qualified with qualify_recipient.</summary>
    private bool TryAddresses(string text, List<string> into)
    {
        if (!InternetAddressList.TryParse(ParserOptions.Default, text, out var list)) return false;
        foreach (var mailbox in list.Mailboxes)
        {
            var address = mailbox.Address;
            if (address.Length == 0) continue;
            if (!address.Contains('@', StringComparison.Ordinal)) address = $"{address}@{main.QualifyRecipient}";
            if (!into.Contains(address, StringComparer.OrdinalIgnoreCase)) into.Add(address);
        }
        return true;
    }

    private static string StripAngles(string address)
    {
        var a = address.Trim();
        return a.Length >= 2 && a[0] == '<' && a[^1] == '>' ? a[1..^1].Trim() : a;
    }
}
