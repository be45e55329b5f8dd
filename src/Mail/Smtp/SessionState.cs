using Exim.Mail.Logging;
using Exim.Abstractions.Diagnostics;
using System.Buffers;
using System.Text;
using Exim.Abstractions.Daemon;
using Exim.Abstractions.Matching;
using Exim.Abstractions.Policy;
using Exim.Abstractions.Scripting;
using Exim.Mail.Smtp.Admission;
using Exim.Mail.Smtp.Policy;
using Exim.Mail.Smtp.Protocol;
using Exim.Mail.Spool;
using Exim.Mail.Text;
using Microsoft.Extensions.Logging;

namespace Exim.Mail.Smtp;

/// <summary>
/// Everything one session's command handlers share: the connection, the input reader and the batched replies, what the
/// client has said so far (HELO, the envelope), the counters behind Exim's limits, and the helpers that give Exim's
/// replies and log lines. One per connection; the handlers themselves hold no state.
/// <para>
/// Client text is held as Latin-1 (one char per byte) and goes through <see cref="ClientText.Printing(string)"/> on
/// its way to the log or into a reply, so control bytes are escaped and 8-bit bytes come out as they came in.
/// </para>
/// </summary>
internal sealed class SessionState : ITransactionView, IDisposable
{
    private byte[] _output = []; // rented only between a reply and its flush, so idle sessions hold none
    private int _outputLength;
    private int _synprotErrors;
    private int _nonmail;
    private readonly bool _nonmailLimited;
    private bool _authAdvertised;

    public SessionState(ConnectionContext connection, FileSpool spool, TimeProvider time, Func<MessageRef, string?>? deliverNow)
    {
        Connection = connection;
        Settings = connection.Settings;
        Logger = connection.Logger;
        Spool = spool;
        Time = time;
        DeliverNow = deliverNow;
        Reader = new SmtpLineReader(connection.Transport, time, connection.ShutdownToken);
        RecipientsView = Recipients.AsReadOnly();
        _nonmailLimited = Settings.Main.SmtpAcceptMaxNonmail > 0 && Settings.NonmailHosts.Matches(connection.Remote.Address);
        QueueOnly = connection.QueueOnly;
        if (connection.Policy is { } policy) policy.Transaction = this;
    }

    public ConnectionContext Connection { get; }
    public SmtpSettings Settings { get; }
    public ILogger Logger { get; }
    public FileSpool Spool { get; }
    public TimeProvider Time { get; }
    public SmtpLineReader Reader { get; }
    public CommandHistory History { get; } = new();
    public long Started { get; } = System.Diagnostics.Stopwatch.GetTimestamp();

    /// <summary>Starts the immediate delivery of a received message: null when started, else why not.</summary>
    public Func<MessageRef, string?>? DeliverNow { get; }

    /// <summary>The HELO/EHLO name, once one was accepted.</summary>
    public string? Helo { get; set; }

    /// <summary>Whether the last accepted greeting was EHLO (so PIPELINING was advertised).</summary>
    public bool Esmtp { get; set; }

    /// <summary>Whether the last EHLO offered STARTTLS (Exim's tls_advertised: a successful STARTTLS leaves it set).</summary>
    public bool TlsAdvertised { get; set; }

    /// <summary>
    /// Exim's <c>$received_protocol</c>, for the <c>P=</c> log field, the spool and the Received header: <c>smtp</c> or
    /// <c>esmtp</c>, with <c>s</c> under TLS and, after EHLO, <c>a</c> once authenticated (smtp.c's protocols table:
    /// smtp, smtps, esmtp, esmtps, esmtpa, esmtpsa).
    /// </summary>
    public string Protocol
    {
        get
        {
            var description = Connection.Description;
            var tls = description.Tls;
            var local = Connection.LocalUser is null ? "" : "local-"; // -bs: smtp_in.c's local-smtp, local-esmtp, ...
            if (!Esmtp) return local + (tls ? "smtps" : "smtp");
            return local + (description.AuthenticatedId is null ? (tls ? "esmtps" : "esmtp") : (tls ? "esmtpsa" : "esmtpa"));
        }
    }

    /// <summary>Whether the last EHLO advertised AUTH (only while that greeting stands: STARTTLS or HELO ends it).</summary>
    public bool AuthAdvertised
    {
        get => _authAdvertised && Esmtp;
        set => _authAdvertised = value;
    }

    /// <summary>Whether an AUTH command came already (Exim counts every one after the first as a non-mail command).</summary>
    public bool AuthSeen { get; set; }

    /// <summary>AUTH commands answered 535 on this connection (smtp_max_auth_failures).</summary>
    public int AuthFailures { get; set; }

    /// <summary>Whether bare LFs and CRs are refused in this session (smtp_forbid_bare_newline and its exclusions).</summary>
    public bool ForbidBareNewline { get; set; }

    /// <summary>The envelope sender of the current transaction ("" for the null sender), or null outside one.</summary>
    public string? Sender { get; set; }

    /// <summary>The accepted recipients of the current transaction.</summary>
    public List<string> Recipients { get; } = [];

    /// <summary>The same, read only, for policies.</summary>
    public IReadOnlyList<string> RecipientsView { get; }

    IReadOnlyList<string> ITransactionView.Recipients => RecipientsView;

    /// <summary>MAIL's AUTH parameter from an authenticated client (Exim's <c>$authenticated_sender</c>), or null.</summary>
    public string? AuthenticatedSender { get; set; }

    /// <summary>The size declared with MAIL's SIZE parameter, or -1.</summary>
    public long DeclaredSize { get; set; } = -1;

    /// <summary>Whether a policy discarded a recipient of this transaction (Exim's <c>discarded</c>: DATA may follow with none left).</summary>
    public bool RecipientsDiscarded { get; set; }

    /// <summary>Whether the MAIL policy discarded the whole transaction (Exim's recipients_discarded): every RCPT is discarded.</summary>
    public bool MailDiscarded { get; set; }

    /// <summary>The connection's side of the stage policies, or null when the generation has none.</summary>
    public PolicySession? Policy => Connection.Policy;

    /// <summary>Whether 'too many recipients' has been logged for this message (Exim logs it once per message).</summary>
    public bool TooManyRecipientsLogged { get; set; }

    /// <summary>Messages received on this connection.</summary>
    public int Messages { get; set; }

    /// <summary>Why this connection's messages are only queued (limits, policy, load), or null.</summary>
    public string? QueueOnly { get; set; }

    /// <summary>The named queue the current message goes to, as policies decided so far (null: the default queue).</summary>
    public string? Queue => Policy is { } p ? p.ForMessage.Queue ?? p.ForConnection.Queue : null;

    public TransactionState Transaction => Sender is null ? TransactionState.Idle
        : Recipients.Count == 0 && !RecipientsDiscarded ? TransactionState.Mail : TransactionState.Rcpt;

    /// <summary>Whether any policy decides at <paramref name="stage"/>.</summary>
    public bool PolicyHandles(SmtpStage stage) => Policy?.Handles(stage) == true;

    /// <summary>Runs <paramref name="stage"/>'s policies on what the session knows now (only when <see cref="PolicyHandles"/>).</summary>
    public ValueTask<Verdict> DecideAsync(SmtpStage stage, string? recipient = null, StageMessage? message = null)
    {
        return Policy!.DecideAsync(stage, recipient, message);
    }

    /// <summary>
    /// Answers a refusing verdict (Defer, Reject, Drop) at a stage after the banner with Exim's reply and its reject-log
    /// line (<c>H=... [F=&lt;sender&gt; ][temporarily ]rejected &lt;what&gt;[: text]</c>). Returns the session's end after a
    /// drop (Exim's <c>closed by DROP in ACL</c>), else null.
    /// </summary>
    /// <param name="verdict">The verdict.</param>
    /// <param name="what">What was refused, as Exim names it: <c>EHLO name</c>, <c>MAIL &lt;a@b&gt;</c>, <c>RCPT &lt;c@d&gt;</c>, <c>DATA</c>, <c>after DATA</c>.</param>
    /// <param name="withSender">Whether the line names the sender (Exim does at RCPT and after DATA).</param>
    /// <param name="rejectLogDetail">After DATA: the envelope and header dump for the reject log.</param>
    public SessionResult? Refuse(Verdict verdict, string what, bool withSender, string rejectLogDetail = "")
    {
        EximMetrics.Rejected(RejectionStage.Of(what));
        SmtpLog.RejectedByPolicy(Logger, Host, withSender ? $"F=<{P(Sender ?? "")}> " : "", StageReplies.Temporary(verdict) ? "temporarily " : "",
            what, StageReplies.LogSuffix(verdict), rejectLogDetail);
        Reply(StageReplies.Reply(verdict));
        if (verdict.Kind != VerdictKind.Drop) return null;
        if (Settings.Log.Has(LogSelection.SmtpConnection)) SmtpLog.ClosedByDrop(Logger, Host);
        return End(SessionOutcome.Dropped);
    }

    public string Hostname => Settings.Hostname;

    /// <summary>Exim's host description: <c>name (helo) [ip]</c>, leaving out what is unknown or repeated.</summary>
    public string Host => (Connection.HostName, Helo) switch
    {
        (null, null) => Connection.Who,
        (null, { } helo) => $"({ClientText.Printing(helo)}) {Connection.Who}",
        ({ } name, { } helo) when !helo.Equals(name, StringComparison.OrdinalIgnoreCase) => $"{name} ({ClientText.Printing(helo)}) {Connection.Who}",
        ({ } name, _) => $"{name} {Connection.Who}",
    };

    /// <summary>Client text for a log line (see <see cref="ClientText"/>).</summary>
    public static string P(string latin1) => ClientText.Printing(latin1);

    /// <summary>Client text for a reply: as for the log, and a TAB is escaped too (Exim's SP_TAB).</summary>
    public static string Echo(string latin1) => ClientText.Printing(latin1, escapeTab: true);

    public static string Truncate(string s) => s.Length <= 200 ? s : s[..200] + "...";

    public static string Truncate32(string s) => s.Length <= 32 ? s : s[..32];

    public ValueTask<HostListMatch> MatchAsync(HostList list) => Connection.MatchAsync(list);

    /// <summary>Whether STARTTLS may be offered now (EHLO and HELP): a certificate, not yet in TLS, the client in tls_advertise_hosts.</summary>
    public async ValueTask<bool> StartTlsAvailableAsync()
        => Settings.Tls is not null && !Connection.Description.Tls
           && await MatchAsync(Settings.TlsAdvertiseHosts).ConfigureAwait(false) != HostListMatch.NoMatch;

    public SessionResult End(SessionOutcome outcome) => new(outcome, Messages);

    public void ResetTransaction()
    {
        Sender = null;
        DeclaredSize = -1;
        AuthenticatedSender = null;
        Recipients.Clear();
        RecipientsDiscarded = false;
        MailDiscarded = false;
        TooManyRecipientsLogged = false; // Exim logs it once per message
        Policy?.NewMessage();
    }

    /// <summary>Counts a non-mail command; true when smtp_accept_max_nonmail is exceeded.</summary>
    public bool CountNonmail() => _nonmailLimited && ++_nonmail > Settings.Main.SmtpAcceptMaxNonmail;

    /// <summary>MAIL starts a transaction: the non-mail count starts again, as in Exim.</summary>
    public void ResetNonmail() => _nonmail = 0;

    public SessionResult TooManyNonmail(string line)
    {
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        EximMetrics.Rejected(RejectionStage.Protocol);
        SmtpLog.TooManyNonmail(Logger, Host, P(space < 0 ? line : line[..space]));
        Reply("554 Too many nonmail commands"); // Exim's smtp_notquit_exit("bad-commands", "554", ...)
        return End(SessionOutcome.Closed);
    }

    /// <summary>Exim's synprot_error log line (main log only: it is no rejection).</summary>
    public void SyntaxError(string line, string reason)
    {
        if (Settings.Log.Has(LogSelection.SmtpSyntaxError)) SmtpLog.SynprotError(Logger, "syntax", P(Truncate(CommandLogForm.Of(line))), Host, reason);
    }

    /// <summary>Exim's reply to an address that does not parse: <c>501 &lt;text&gt;: &lt;error&gt;</c>, counted as a syntax error.</summary>
    public SessionResult? MalformedAddress(string text, string line, string error)
    {
        SyntaxError(line, P(error));
        return ProtocolError($"501 {Echo(Truncate(text.Trim()))}: {Echo(error)}", line);
    }

    /// <summary>
    /// Answers a syntax or protocol error and counts it. Past smtp_max_synprot_errors the connection ends as Exim's
    /// synprot_error ends it: the reply becomes a continuation line, followed by the same code with
    /// <c>Too many syntax or protocol errors</c>. Returns the session's end then, else null.
    /// </summary>
    public SessionResult? ProtocolError(string reply, string line)
    {
        if (++_synprotErrors <= Settings.Main.SmtpMaxSynprotErrors)
        {
            Reply(reply);
            return null;
        }
        EximMetrics.Rejected(RejectionStage.Protocol);
        SmtpLog.TooManySynprot(Logger, Host, P(Truncate(CommandLogForm.Of(line))), History.Format());
        Reply($"{reply[..3]}-{reply[4..]}");
        Reply($"{reply[..3]} Too many syntax or protocol errors");
        return End(SessionOutcome.Closed);
    }

    /// <summary>
    /// Ends the session after a command-line read that brought no line: the client went away, Exim's 421 after
    /// smtp_receive_timeout (or smtp_premail_timeout), or the daemon is stopping.
    /// </summary>
    public SessionResult ReadEnded(ReadStatus status)
    {
        switch (status)
        {
            case ReadStatus.Closed:
                SmtpLog.Disconnected(Logger, Host, (long)System.Diagnostics.Stopwatch.GetElapsedTime(Started).TotalSeconds);
                return End(SessionOutcome.Dropped);
            case ReadStatus.Timeout:
                if (Reader.SessionDeadlinePassed) SmtpLog.PremailTimeout(Logger, Host, (long)Settings.Main.SmtpPremailTimeout.TotalSeconds);
                else SmtpLog.CommandTimeout(Logger, Host);
                Reply($"421 {Hostname}: SMTP command timeout - closing connection");
                return End(SessionOutcome.Timeout);
            default:
                return ShuttingDown();
        }
    }

    /// <summary>The daemon is stopping and the drain time is over: Exim's 421, and the session ends.</summary>
    public SessionResult ShuttingDown()
    {
        SmtpLog.ClosedByShutdown(Logger, Connection.Who);
        Reply($"421 {Hostname}: Service not available - closing connection");
        return End(SessionOutcome.Closed);
    }

    /// <summary>
    /// Queues a reply. Our own text is UTF-8; client text in it has been through <see cref="P"/>, so its control bytes
    /// are escaped and its 8-bit bytes go back exactly as they came (<see cref="ClientText.GetBytes(ReadOnlySpan{char}, Span{byte})"/>).
    /// </summary>
    public void Reply(string text)
    {
        var needed = _outputLength + ClientText.GetMaxByteCount(text.Length) + 2;
        if (_output.Length < needed)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, 1024));
            _output.AsSpan(0, _outputLength).CopyTo(bigger);
            if (_output.Length > 0) ArrayPool<byte>.Shared.Return(_output);
            _output = bigger;
        }
        _outputLength += ClientText.GetBytes(text, _output.AsSpan(_outputLength));
        _output[_outputLength++] = (byte)'\r';
        _output[_outputLength++] = (byte)'\n';
    }

    /// <summary>Sends the queued replies.</summary>
    public async ValueTask FlushAsync()
    {
        if (_outputLength == 0) return;
        try
        {
            var timeout = Settings.Main.SmtpReceiveTimeout;
            using var cts = new CancellationTokenSource(timeout > TimeSpan.Zero ? timeout : Timeout.InfiniteTimeSpan); // 0: no limit
            await Connection.Transport.SendAsync(_output.AsMemory(0, _outputLength), cts.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The client is gone or not reading; the next read reports it.
        }
        _outputLength = 0;
        ArrayPool<byte>.Shared.Return(_output);
        _output = [];
    }

    /// <summary>
    /// Exim's per-message queueing rules (spec §1.6 step 9), logged as "no immediate delivery"; otherwise delivery starts
    /// now. <paramref name="policyQueueOnly"/>: a policy's queue only for this message, logged as Exim logs control = queue_only.
    /// </summary>
    public void DecideDelivery(MessageRef message, bool policyQueueOnly = false)
    {
        var id = message.Id;
        var main = Settings.Main;
        if (QueueOnly is not null)
        {
            SmtpLog.NoImmediateDelivery(Logger, id, QueueOnly);
            return;
        }
        if (policyQueueOnly)
        {
            SmtpLog.NoImmediateDelivery(Logger, id, message.Queue is { } queue ? $"queued in {queue} by ACL" : "queued by ACL");
            return;
        }
        if (main.QueueOnly) return;
        if (main.SmtpAcceptQueuePerConnection > 0 && Messages > main.SmtpAcceptQueuePerConnection)
        {
            QueueOnly = $"more than {main.SmtpAcceptQueuePerConnection} messages received in one connection";
            SmtpLog.NoImmediateDelivery(Logger, id, QueueOnly);
            return;
        }
        var load = Connection.Load.LoadAverage;
        if (main.QueueOnlyLoad >= 0 && load > main.QueueOnlyLoad)
        {
            var reason = $"load average {load / 1000.0:F2}";
            if (main.QueueOnlyLoadLatch) QueueOnly = reason;
            SmtpLog.NoImmediateDelivery(Logger, id, reason);
            return;
        }
        if (DeliverNow?.Invoke(message) is { } notStarted) SmtpLog.NoImmediateDelivery(Logger, id, notStarted);
    }

    /// <summary>Exim's Received: header for a message of this session.</summary>
    public string ReceivedHeader(string id, DateTimeOffset now)
    {
        var sb = new StringBuilder(256);
        sb.Append("Received: from ");
        if (Connection.LocalUser is { } user)
        {
            // Exim's default received_header_text without a host: "from <ident> (helo=<name>)\n\tby ...", or "from <ident> by ...".
            sb.Append(user.Login).Append(Helo is null ? " by " : $" (helo={Helo})\n\tby ");
        }
        else if (Connection.HostName is not { } hostName)
        {
            sb.Append(Connection.Who);
            if (Helo is not null) sb.Append(" (helo=").Append(Helo).Append(')');
        }
        else
        {
            // Exim's shape with a verified name: "from name ([ip] helo=x)", the helo left out when it is the name.
            sb.Append(hostName).Append(" (").Append(Connection.Who);
            if (Helo is not null && !Helo.Equals(hostName, StringComparison.OrdinalIgnoreCase)) sb.Append(" helo=").Append(Helo);
            sb.Append(')');
        }
        if (Connection.LocalUser is null) sb.Append("\n\tby ");
        sb.Append(Settings.Main.PrimaryHostname).Append(" with ").Append(Protocol).Append(' ');
        if (Connection.Description.TlsSession is { } tls)
        {
            // Exim's default received_header_text: " ($tls_in_ver)" and " tls $tls_in_cipher_std\n\t" after "with <protocol> ".
            sb.Append(" (").Append(tls.Protocol).Append(") tls ").Append(tls.CipherStd ?? tls.Cipher).Append("\n\t");
        }
        sb.Append("(Exim ").Append(Settings.Version).Append(")\n\t(envelope-from <").Append(Sender).Append(">)\n\tid ").Append(id);
        if (Recipients.Count == 1) sb.Append("\n\tfor ").Append(Recipients[0]);
        sb.Append(";\n\t").Append(SmtpSettings.RfcDate(now));
        return sb.ToString();
    }

    public void Dispose()
    {
        Reader.Dispose();
        if (_output.Length > 0) ArrayPool<byte>.Shared.Return(_output);
        _output = [];
    }
}
