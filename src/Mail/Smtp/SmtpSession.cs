using Exim.Mail.Logging;
using Exim.Abstractions.Diagnostics;
using System.Text;
using Exim.Abstractions.Daemon;
using Exim.Abstractions.Matching;
using Exim.Mail.Smtp.Admission;
using Exim.Mail.Smtp.Protocol;
using Exim.Mail.Spool;
using Exim.Mail.Text;

namespace Exim.Mail.Smtp;

/// <summary>
/// One RFC 5321 server session after admission: the banner, then each command line read, checked against the
/// synchronization rules and the <see cref="SmtpStateTable"/>, and handed to its handler (HELO/EHLO, MAIL, RCPT, DATA,
/// RSET, NOOP, QUIT, VRFY, HELP), with PIPELINING, SIZE and 8BITMIME, Exim's reply texts and limits. Replies are batched
/// while pipelined input is waiting and flushed before each blocking read. 250 after DATA is sent only once the spool
/// says the message is durable.
/// </summary>
internal sealed class SmtpSession(SessionState state) : IDisposable
{
    public static SmtpSession Create(ConnectionContext connection, FileSpool spool, TimeProvider time, Func<MessageRef, string?>? deliverNow)
        => new(new SessionState(connection, spool, time, deliverNow));

    public SessionState State => state;

    /// <summary>Runs the session to its end, then disposes its state (disposing it again is harmless).</summary>
    public async Task<SessionResult> RunAsync()
    {
        var s = state;
        try
        {
            if (s.Settings.EnforceSync && s.Reader.InputPendingNow())
            {
                s.Reader.StartLine(s.Settings.Main.SmtpReceiveTimeout);
                await s.Reader.FillAsync().ConfigureAwait(false); // it is there already: this does not wait
                var early = s.Reader.Buffered;
                EximMetrics.Rejected(RejectionStage.Protocol);
                SmtpLog.EarlyInput(s.Logger, s.Connection.Who, ClientText.Printing(CommandLogForm.Excerpt(early, 128)));
                s.Reply("554 SMTP synchronization error");
                return new SessionResult(SessionOutcome.Dropped, 0);
            }
            s.ForbidBareNewline = s.Settings.Main.SmtpForbidBareNewline && !s.Settings.LocalInput
                && await s.MatchAsync(s.Settings.BareNewlineExclusions).ConfigureAwait(false) == HostListMatch.NoMatch;
            s.Reply($"220 {s.Settings.Banner(s.Time.GetLocalNow())}");
            if (s.Connection.Slot is { } greeted) greeted.Slot.State = "banner";
            s.Reader.SetSessionDeadline(s.Settings.Main.SmtpPremailTimeout);

            // The command loop, in this frame rather than a method of its own (one frame less for every idle session).
            var reader = s.Reader;
            var main = s.Settings.Main;
            while (true)
            {
                reader.StartLine(main.SmtpReceiveTimeout); // from the moment the client may send it
                if (!reader.HasBufferedInput)
                {
                    await s.FlushAsync().ConfigureAwait(false);
                    // The wait for the client is here, not inside ReadLineAsync, which then finds the line at once: an idle
                    // session's stack is this frame and the reader's, nothing between (ten thousand idle sessions pay for each).
                    if (await reader.FillAsync().ConfigureAwait(false) is var filled and not ReadStatus.Data) return s.ReadEnded(filled);
                }
                var (status, raw, bareLf) = await reader.ReadLineAsync().ConfigureAwait(false);
                switch (status)
                {
                    case ReadStatus.Closed or ReadStatus.Timeout or ReadStatus.Shutdown:
                        return s.ReadEnded(status);
                    case ReadStatus.Partial:
                        if (!await SkipRestOfLineAsync(reader).ConfigureAwait(false)) return s.End(SessionOutcome.Dropped);
                        if (s.ProtocolError("500 Command line too long", "(line too long)") is { } tooLong) return tooLong;
                        continue;
                }

                var command = SmtpCommandParser.Parse(raw.Span);
                var line = Encoding.Latin1.GetString(raw.Span);
                s.History.Add(command.Verb);
                if (s.Connection.Slot is { } slot) slot.Slot.State = SmtpVerbNames.Of(command.Verb);
                ref readonly var row = ref SmtpStateTable.For(command.Verb);

                if (s.Settings.EnforceSync && reader.HasBufferedInput && (!s.Esmtp || row.MustBeLast))
                {
                    var next = reader.Buffered;
                    EximMetrics.Rejected(RejectionStage.Protocol);
                    SmtpLog.SyncError(s.Logger, s.Esmtp ? "next input sent too soon: pipelining was advertised" : "next input sent too soon: pipelining was not advertised",
                        SessionState.P(CommandLogForm.Of(line)), s.Host, ClientText.Printing(CommandLogForm.Excerpt(next, 150)));
                    s.Reply("554 SMTP synchronization error");
                    return s.End(SessionOutcome.Dropped);
                }
                if (command.HasNul)
                {
                    // Exim shows each NUL as '?' in the log, and refuses the command.
                    if (s.Settings.Log.Has(LogSelection.SmtpSyntaxError)) SmtpLog.SynprotError(s.Logger, "syntax", SessionState.P(CommandLogForm.Of(line.Replace('\0', '?'))), s.Host, "NUL character(s) present (shown as '?')");
                    if (s.ProtocolError("501 NUL characters are not allowed in SMTP commands", line) is { } withNul) return withNul;
                    continue;
                }
                if (bareLf && s.ForbidBareNewline)
                {
                    s.SyntaxError(line, "bare <LF> received");
                    if (s.ProtocolError("500 bare <LF> received", line) is { } withBareLf) return withBareLf;
                    continue;
                }
                if ((row.Allowed & s.Transaction) == 0)
                {
                    if (s.ProtocolError(row.OutOfOrder!, line) is { } outOfOrder) return outOfOrder;
                    continue;
                }

                var argument = command.ArgumentLength == 0 ? "" : line.Substring(command.ArgumentStart, command.ArgumentLength);
                if (await row.Handler.ExecuteAsync(s, argument, line).ConfigureAwait(false) is { } end) return end;
            }
        }
        catch (Exception e)
        {
            // A bug or a failing hook: the client is told, as Exim's defer would tell it, never just cut off.
            SmtpLog.SessionFailed(s.Logger, s.Host, e);
            s.Reply("421 Temporary local problem - please try later");
            return s.End(SessionOutcome.Error);
        }
        finally
        {
            try
            {
                await s.FlushAsync().ConfigureAwait(false);
            }
            finally
            {
                s.Dispose(); // its reader's timer and buffers; the daemon does not keep a frame around just to dispose it
            }
        }
    }

    /// <summary>Reads and drops the rest of an overlong line; false when the connection ended first.</summary>
    internal static async Task<bool> SkipRestOfLineAsync(SmtpLineReader reader)
    {
        for (var i = 0; i < 1024; i++)
        {
            var (status, _, _) = await reader.ReadLineAsync().ConfigureAwait(false);
            if (status == ReadStatus.Line) return true;
            if (status != ReadStatus.Partial) return false;
        }
        return false;
    }

    public void Dispose() => state.Dispose();
}
