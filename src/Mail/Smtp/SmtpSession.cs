using System.Buffers;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Exim.Abstractions.Daemon;
using Exim.Abstractions.Matching;
using Exim.Abstractions.Resolution;
using Exim.Mail.Smtp.Protocol;
using Exim.Mail.Spool;
using Exim.Mail.Text;
using Microsoft.Extensions.Logging;

namespace Exim.Mail.Smtp;

/// <summary>
/// One RFC 5321 server session: HELO/EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT, VRFY, HELP, with PIPELINING, SIZE
/// and 8BITMIME, Exim's reply texts and limits. Replies are batched while pipelined input is waiting and flushed
/// before each blocking read. 250 after DATA is sent only once the spool says the message is durable.
/// <para>
/// Client text is held as Latin-1 (one char per byte) and goes through <see cref="ClientText.Printing(string)"/> on
/// its way to the log or into a reply, so control bytes are escaped and 8-bit bytes come out as they came in.
/// </para>
/// </summary>
internal sealed partial class SmtpSession : IDisposable
{
    private readonly SmtpSettings _settings;
    private readonly FileSpool _spool;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ISystemLoad _load;
    private readonly SmtpConnection _connection;
    private readonly CancellationToken _shutdown;
    private readonly Socket _socket;
    private readonly SmtpLineReader _reader;
    private byte[] _output = []; // rented only between a reply and its flush, so idle sessions hold none
    private int _outputLength;
    private readonly System.Net.IPAddress _client;
    private readonly string _clientIp;
    private readonly string _who;
    private readonly bool _nonmailLimited;
    private readonly long _started = System.Diagnostics.Stopwatch.GetTimestamp();
    private readonly CommandHistory _history = new();

    private string? _helo;
    /// <summary>Whether bare LFs and CRs are refused in this session (smtp_forbid_bare_newline and its exclusions).</summary>
    private bool _forbidBareNewline;
    private bool _tooManyRecipientsLogged;
    private bool _esmtp;
    private string? _sender;
    private readonly List<string> _recipients = [];
    private int _messages;
    private int _synprotErrors;
    private int _nonmail;
    private string? _queueOnly;

    /// <summary>The named queue the accept hook put this connection's messages in (null: the default queue).</summary>
    private string? _queue;

    /// <summary>The connection's name lookups (host_lookup and host-name items in host lists); null without a DNS resolver.</summary>
    private readonly IHostNameLookups? _hostNames;
    private readonly IConnectionPolicy? _policy;

    /// <summary>Starts the immediate delivery of a received message: null when started, else why not.</summary>
    private readonly Func<MessageRef, string?>? _deliverNow;
    private string? _hostName;
    private static readonly TimeSpan LookupTimeout = TimeSpan.FromSeconds(30);

    public SmtpSession(SmtpSettings settings, FileSpool spool, ILogger logger, TimeProvider time, ISystemLoad load,
        SmtpConnection connection, CancellationToken shutdown,
        IHostNameLookups? hostNames = null, IConnectionPolicy? policy = null, Func<MessageRef, string?>? deliverNow = null)
    {
        _hostNames = connection.HostNames ?? hostNames;
        _policy = policy;
        _deliverNow = deliverNow;
        _settings = settings;
        _spool = spool;
        _logger = logger;
        _time = time;
        _load = load;
        _connection = connection;
        _shutdown = shutdown;
        _socket = connection.Socket;
        _reader = new SmtpLineReader(_socket, time, shutdown);
        var ip = connection.Remote.Address;
        _client = ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip;
        _clientIp = _client.ToString();
        _who = $"[{_clientIp}]";
        _nonmailLimited = settings.Main.SmtpAcceptMaxNonmail > 0 && settings.NonmailHosts.Matches(ip);
        _queueOnly = connection.QueueOnly;
    }

    /// <summary>Exim's host description: <c>name (helo) [ip]</c>, leaving out what is unknown or repeated.</summary>
    private string Host => (_hostName, _helo) switch
    {
        (null, null) => _who,
        (null, { } helo) => $"({ClientText.Printing(helo)}) {_who}",
        ({ } name, { } helo) when !helo.Equals(name, StringComparison.OrdinalIgnoreCase) => $"{name} ({ClientText.Printing(helo)}) {_who}",
        ({ } name, _) => $"{name} {_who}",
    };

    /// <summary>Client text for a log line (see <see cref="ClientText"/>).</summary>
    private static string P(string latin1) => ClientText.Printing(latin1);

    /// <summary>Client text for a reply: as for the log, and a TAB is escaped too (Exim's SP_TAB).</summary>
    private static string Echo(string latin1) => ClientText.Printing(latin1, escapeTab: true);

    private string Hostname => _settings.Hostname;

    public async Task<SessionResult> RunAsync()
    {
        try
        {
            if (!_settings.ConnectionNolog.Matches(_connection.Remote.Address)) SmtpLog.Connection(_logger, _who, _connection.ConnectionCount);
            if (_settings.EnforceSync && _reader.InputPendingNow())
            {
                _reader.StartLine(_settings.Main.SmtpReceiveTimeout);
                await _reader.FillAsync().ConfigureAwait(false); // it is there already: this does not wait
                var early = _reader.Buffered;
                SmtpLog.EarlyInput(_logger, _who, ClientText.Printing(early[..Math.Min(early.Length, 128)]));
                Reply("554 SMTP synchronization error");
                await FlushAsync().ConfigureAwait(false);
                return new SessionResult(SessionOutcome.Dropped, 0);
            }
            await LookUpHostNameAsync().ConfigureAwait(false);
            if (_policy is not null && await ApplyPolicyAsync(_policy).ConfigureAwait(false) is { } refused) return refused;
            _forbidBareNewline = _settings.Main.SmtpForbidBareNewline && !_settings.LocalInput
                && await MatchAsync(_settings.BareNewlineExclusions).ConfigureAwait(false) == HostListMatch.NoMatch;
            Reply($"220 {_settings.Banner(_time.GetLocalNow())}");
            _reader.SetSessionDeadline(_settings.Main.SmtpPremailTimeout);
            return await CommandLoopAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // A bug or a failing hook: the client is told, as Exim's defer would tell it, never just cut off.
            SmtpLog.SessionFailed(_logger, Host, e);
            Reply("421 Temporary local problem - please try later");
            return new SessionResult(SessionOutcome.Error, _messages);
        }
        finally
        {
            await FlushAsync().ConfigureAwait(false);
            try { _socket.Shutdown(SocketShutdown.Both); } catch (SocketException) { } catch (ObjectDisposedException) { }
            _socket.Dispose();
        }
    }

    /// <summary>Reverse lookup with forward confirmation for clients in host_lookup (spec §2.11), before the banner.</summary>
    private async Task LookUpHostNameAsync()
    {
        if (_hostNames is null || await MatchAsync(_settings.HostLookup).ConfigureAwait(false) != HostListMatch.Match) return;
        try
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(_shutdown);
            cts.CancelAfter(LookupTimeout);
            var result = await _hostNames.ReverseAsync(_connection.Remote.Address, cts.Token).ConfigureAwait(false);
            _hostName = result.Status == AddressLookupStatus.Found ? result.Names[0] : null;
            if (result.Status == AddressLookupStatus.NotFound && result.Failure == "(failed to find host name from IP address)")
            {
                SmtpLog.NoHostName(_logger, _clientIp);
            }
        }
        catch (OperationCanceledException)
        {
            // The lookup took too long: carry on without a name, as a deferred lookup does.
        }
    }

    /// <summary>
    /// The accept hook, in the place of Exim's connect ACL, with its log lines: Defer answers 421, Reject 554, and
    /// both close the connection as Exim does; Drop closes it without a reply.
    /// </summary>
    private async Task<SessionResult?> ApplyPolicyAsync(IConnectionPolicy policy)
    {
        var remote = _connection.Remote;
        var local = _connection.Local;
        var connection = new Abstractions.Scripting.AcceptConnection(
            _client, remote.Port,
            local.Address.IsIPv4MappedToIPv6 ? local.Address.MapToIPv4() : local.Address, local.Port, _hostName, _connection.Id);
        var verdict = await policy.DecideAsync(connection, new(_connection.ConnectionCount, _connection.HostConnectionCount), _shutdown).ConfigureAwait(false);
        switch (verdict.Kind)
        {
            case Abstractions.Scripting.VerdictKind.Defer:
                var deferText = verdict.Message ?? "Temporary local problem - please try later";
                SmtpLog.ConnectDeferred(_logger, Host, deferText);
                Reply($"421 {deferText}");
                return new SessionResult(SessionOutcome.Dropped, 0);
            case Abstractions.Scripting.VerdictKind.Reject:
                var rejectText = verdict.Message ?? "Administrative prohibition";
                SmtpLog.ConnectRejected(_logger, Host, rejectText);
                Reply($"554 {rejectText}");
                return new SessionResult(SessionOutcome.Dropped, 0);
            case Abstractions.Scripting.VerdictKind.Drop:
                SmtpLog.ConnectDropped(_logger, Host);
                return new SessionResult(SessionOutcome.Dropped, 0);
            default:
                _queue = verdict.Queue;
                if (verdict.QueueOnly) _queueOnly ??= $"accept hook: queue only ('{verdict.Queue}' queue)";
                return null;
        }
    }

    /// <summary>
    /// Matches the client against a host list, looking names up (once per connection) only when the list has name
    /// items; a lookup that takes too long defers, as a DNS timeout does.
    /// </summary>
    private async ValueTask<HostListMatch> MatchAsync(HostList list)
    {
        if (!list.HasNameItems) return list.Matches(_connection.Remote.Address) ? HostListMatch.Match : HostListMatch.NoMatch;
        try
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(_shutdown);
            cts.CancelAfter(LookupTimeout);
            return await list.MatchAsync(_connection.Remote.Address, _hostName, _hostNames, cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return HostListMatch.Defer;
        }
    }

    private async Task<SessionResult> CommandLoopAsync()
    {
        while (true)
        {
            _reader.StartLine(_settings.Main.SmtpReceiveTimeout); // from the moment the client may send it
            if (!_reader.HasBufferedInput) await FlushAsync().ConfigureAwait(false);
            var (status, raw, bareLf) = await _reader.ReadLineAsync().ConfigureAwait(false);
            switch (status)
            {
                case ReadStatus.Closed:
                    SmtpLog.Disconnected(_logger, Host, (long)System.Diagnostics.Stopwatch.GetElapsedTime(_started).TotalSeconds);
                    return new SessionResult(SessionOutcome.Dropped, _messages);
                case ReadStatus.Timeout:
                    if (_reader.SessionDeadlinePassed) SmtpLog.PremailTimeout(_logger, Host, (long)_settings.Main.SmtpPremailTimeout.TotalSeconds);
                    else SmtpLog.CommandTimeout(_logger, Host);
                    Reply($"421 {Hostname}: SMTP command timeout - closing connection");
                    return new SessionResult(SessionOutcome.Timeout, _messages);
                case ReadStatus.Shutdown:
                    return ShuttingDown();
                case ReadStatus.Partial:
                    if (!await SkipRestOfLineAsync().ConfigureAwait(false)) return new SessionResult(SessionOutcome.Dropped, _messages);
                    if (ProtocolError("500 Command line too long", "(line too long)") is { } tooLong) return tooLong;
                    continue;
            }

            var command = SmtpCommandParser.Parse(raw.Span);
            var line = Encoding.Latin1.GetString(raw.Span);
            _history.Add(command.Verb);

            if (_settings.EnforceSync && _reader.HasBufferedInput && (!_esmtp || MustBeLast(command.Verb)))
            {
                var next = _reader.Buffered;
                SmtpLog.SyncError(_logger, _esmtp ? "next input sent too soon: pipelining was advertised" : "next input sent too soon: pipelining was not advertised",
                    P(line), Host, ClientText.Printing(next[..Math.Min(next.Length, 150)]));
                Reply("554 SMTP synchronization error");
                return new SessionResult(SessionOutcome.Dropped, _messages);
            }
            if (command.HasNul)
            {
                // Exim shows each NUL as '?' in the log, and refuses the command.
                SmtpLog.SynprotError(_logger, "syntax", P(line.Replace('\0', '?')), Host, "NUL character(s) present (shown as '?')");
                if (ProtocolError("501 NUL characters are not allowed in SMTP commands", line) is { } withNul) return withNul;
                continue;
            }
            if (bareLf && _forbidBareNewline)
            {
                SyntaxError(line, "bare <LF> received");
                if (ProtocolError("500 bare <LF> received", line) is { } withBareLf) return withBareLf;
                continue;
            }

            var argument = command.ArgumentLength == 0 ? "" : line.Substring(command.ArgumentStart, command.ArgumentLength);
            var outcome = command.Verb switch
            {
                SmtpVerb.Ehlo => Helo(argument, esmtp: true, line),
                SmtpVerb.Helo => Helo(argument, esmtp: false, line),
                SmtpVerb.Mail => Mail(argument, line),
                SmtpVerb.Rcpt => await RcptAsync(argument, line).ConfigureAwait(false),
                SmtpVerb.Data => await DataAsync(line).ConfigureAwait(false),
                SmtpVerb.Rset => Nonmail(line, "250 Reset OK", reset: true),
                SmtpVerb.Noop => Nonmail(line, "250 OK"),
                SmtpVerb.Vrfy => Nonmail(line, "252 VRFY not available"),
                SmtpVerb.Expn => Nonmail(line, "550 Administrative prohibition"),
                SmtpVerb.Help => Nonmail(line, "214-Commands supported:\r\n214 HELO EHLO MAIL RCPT DATA NOOP QUIT RSET HELP"),
                SmtpVerb.Quit => Quit(),
                _ => Unrecognized(line),
            };
            if (outcome is { } dropped) return dropped;
        }
    }

    /// <summary>Commands after which a pipelining client must wait for the reply (RFC 2920 §3.1).</summary>
    private static bool MustBeLast(SmtpVerb verb)
        => verb is SmtpVerb.Ehlo or SmtpVerb.Helo or SmtpVerb.Data or SmtpVerb.Quit or SmtpVerb.Noop or SmtpVerb.Vrfy or SmtpVerb.Expn or SmtpVerb.Help;

    private SessionResult? Quit()
    {
        Reply($"221 {Hostname} closing connection");
        SmtpLog.ClosedByQuit(_logger, Host);
        return new SessionResult(SessionOutcome.Quit, _messages);
    }

    private SessionResult? Unrecognized(string line)
    {
        SyntaxError(line, "unrecognized command");
        return ProtocolError("500 unrecognized command", line);
    }

    private SessionResult? Helo(string argument, bool esmtp, string line)
    {
        var name = argument.Split(' ', 2)[0];
        if (name.Length == 0 || !(SmtpAddress.IsDomain(name) || SmtpAddress.IsAddressLiteral(name)))
        {
            var verb = esmtp ? "EHLO" : "HELO";
            SmtpLog.RejectedHelo(_logger, verb, Host, argument.Length == 0 ? "(no argument given)" : P(argument));
            return ProtocolError($"501 Syntactically invalid {verb} argument(s)", line);
        }
        if (_helo is not null && CountNonmail()) return TooManyNonmail(line);
        _helo = name;
        _esmtp = esmtp;
        ResetTransaction();
        if (!esmtp)
        {
            Reply($"250 {Hostname} Hello {name} [{_clientIp}]");
            return null;
        }
        var size = _settings.Main.MessageSizeLimit > 0 ? $"250-SIZE {_settings.Main.MessageSizeLimit.ToString(CultureInfo.InvariantCulture)}\r\n" : "250-SIZE\r\n";
        Reply($"250-{Hostname} Hello {name} [{_clientIp}]\r\n{size}250-8BITMIME\r\n250-PIPELINING\r\n250 HELP");
        return null;
    }

    private SessionResult? Mail(string argument, string line)
    {
        if (_sender is not null)
        {
            return ProtocolError("503 sender already given", line);
        }
        var max = _settings.Main.SmtpAcceptMaxPerConnection;
        if (max > 0 && _messages >= max)
        {
            SmtpLog.TooManyMessages(_logger, Host);
            Reply("421 too many messages in this connection");
            return new SessionResult(SessionOutcome.Closed, _messages);
        }
        if (!argument.StartsWith("FROM:", StringComparison.OrdinalIgnoreCase))
        {
            return MalformedAddress(argument, line, "malformed address");
        }
        var path = argument[5..];
        if (!SmtpAddress.TryParsePath(path, out var address, out var parameters, out var written))
        {
            return MalformedAddress(path, line, "malformed address");
        }
        long declared = -1;
        foreach (var p in parameters.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = p.IndexOf('=', StringComparison.Ordinal);
            var key = eq < 0 ? p : p[..eq];
            var value = eq < 0 ? "" : p[(eq + 1)..];
            if (_esmtp && key.Equals("SIZE", StringComparison.OrdinalIgnoreCase) && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var size))
            {
                declared = size;
            }
            else if (_esmtp && key.Equals("BODY", StringComparison.OrdinalIgnoreCase) && eq > 0)
            {
                if (!(value.Equals("7BIT", StringComparison.OrdinalIgnoreCase) || value.Equals("8BITMIME", StringComparison.OrdinalIgnoreCase)))
                {
                    SyntaxError(line, "invalid data for BODY");
                    return ProtocolError("501 invalid data for BODY", line);
                }
            }
            else
            {
                // Exim takes an unknown parameter as part of the address, which then does not parse.
                return MalformedAddress(path, line, $"malformed address: {Truncate32(parameters)} may not follow {written}");
            }
        }
        if (declared >= 0 && _settings.Main.MessageSizeLimit > 0 && declared > _settings.Main.MessageSizeLimit)
        {
            Reply("552 Message size exceeds maximum permitted");
            SmtpLog.MailTooBig(_logger, P(address), Host, declared, _settings.Main.MessageSizeLimit);
            return null;
        }
        if (address.Length > 0 && SmtpAddress.Split(address).Domain.Length == 0)
        {
            Reply($"501 {Echo(written)}: sender address must contain a domain");
            SmtpLog.Unqualified(_logger, "sender", P(address), Host);
            return null;
        }
        _sender = address;
        _nonmail = 0;
        _reader.ClearSessionDeadline();
        Reply("250 OK");
        return null;
    }

    /// <summary>Exim's reply to an address that does not parse: <c>501 &lt;text&gt;: &lt;error&gt;</c>, counted as a syntax error.</summary>
    private SessionResult? MalformedAddress(string text, string line, string error)
    {
        SyntaxError(line, P(error));
        return ProtocolError($"501 {Echo(Truncate(text.Trim()))}: {Echo(error)}", line);
    }

    private static string Truncate32(string s) => s.Length <= 32 ? s : s[..32];

    private async Task<SessionResult?> RcptAsync(string argument, string line)
    {
        if (_sender is null)
        {
            return ProtocolError("503 sender not yet given", line);
        }
        if (argument.Length == 0)
        {
            SyntaxError(line, "RCPT must have an address operand");
            return ProtocolError("501 RCPT must have an address operand", line);
        }
        if (!argument.StartsWith("TO:", StringComparison.OrdinalIgnoreCase))
        {
            return MalformedAddress(argument, line, "malformed address");
        }
        var path = argument[3..];
        if (!SmtpAddress.TryParsePath(path, out var address, out var parameters, out var written) || address.Length == 0)
        {
            return MalformedAddress(path, line, "malformed address");
        }
        if (parameters.Length > 0)
        {
            // No RCPT parameters are offered (no DSN): Exim then parses them as part of the address.
            return MalformedAddress(path, line, $"malformed address: {Truncate32(parameters)} may not follow {written}");
        }
        var (local, domain) = SmtpAddress.Split(address);
        var postmaster = false;
        if (domain.Length == 0)
        {
            if (!address.Equals("postmaster", StringComparison.OrdinalIgnoreCase))
            {
                Reply($"501 {Echo(written)}: recipient address must contain a domain");
                SmtpLog.Unqualified(_logger, "recipient", P(address), Host);
                return null;
            }
            // RFC 5321 §4.5.1: the reserved mailbox postmaster is accepted without a domain, and qualified here.
            domain = _settings.Main.QualifyRecipient;
            address = $"{address}@{domain}";
            postmaster = true;
        }
        var max = _settings.Main.RecipientsMax;
        if (max > 0 && _recipients.Count >= max)
        {
            Reply("452 too many recipients");
            if (!_tooManyRecipientsLogged) SmtpLog.TooManyRecipients(_logger, P(_sender), Host);
            _tooManyRecipientsLogged = true;
            return null;
        }
        // %-hacks, !-paths, embedded @ and leading dots never reach routing: they are how open relays happen by accident.
        // Checked on the local part as routing sees it, with its quoting removed ("..", "\.\." are "..").
        var dequoted = Routing.LocalPart.Unquote(local);
        if (dequoted.StartsWith('.') || dequoted.AsSpan().IndexOfAny("@%!/|") >= 0)
        {
            Reply("550 restricted characters in address");
            SmtpLog.RejectedRcpt(_logger, Host, P(_sender), P(address), "restricted characters in address");
            return null;
        }
        if (!postmaster && !_settings.LocalDomains.Matches(domain) && !_settings.RelayToDomains.Matches(domain))
        {
            switch (await MatchAsync(_settings.RelayFromHosts).ConfigureAwait(false))
            {
                case HostListMatch.NoMatch:
                    Reply("550 relay not permitted");
                    SmtpLog.RejectedRcpt(_logger, Host, P(_sender), P(address), "relay not permitted");
                    return null;
                case HostListMatch.Defer:
                    // Exim's ACL defer: a host name lookup for relay_from_hosts did not complete.
                    Reply("451 Temporary local problem - please try later");
                    SmtpLog.TemporarilyRejectedRcpt(_logger, Host, P(_sender), P(address), "host lookup for relay_from_hosts did not complete");
                    return null;
            }
        }
        _recipients.Add(address);
        Reply("250 Accepted");
        return null;
    }

    /// <summary>Exim's per-message queueing rules (spec §1.6 step 9), logged as "no immediate delivery"; otherwise delivery starts now.</summary>
    private void DecideDelivery(MessageRef message)
    {
        var id = message.Id;
        var main = _settings.Main;
        if (_queueOnly is not null)
        {
            SmtpLog.NoImmediateDelivery(_logger, id, _queueOnly);
            return;
        }
        if (main.QueueOnly) return;
        if (main.SmtpAcceptQueuePerConnection > 0 && _messages > main.SmtpAcceptQueuePerConnection)
        {
            _queueOnly = $"more than {main.SmtpAcceptQueuePerConnection} messages received in one connection";
            SmtpLog.NoImmediateDelivery(_logger, id, _queueOnly);
            return;
        }
        if (main.QueueOnlyLoad >= 0 && _load.LoadAverage > main.QueueOnlyLoad)
        {
            var reason = $"load average {_load.LoadAverage / 1000.0:F2}";
            if (main.QueueOnlyLoadLatch) _queueOnly = reason;
            SmtpLog.NoImmediateDelivery(_logger, id, reason);
            return;
        }
        if (_deliverNow?.Invoke(message) is { } notStarted) SmtpLog.NoImmediateDelivery(_logger, id, notStarted);
    }

    private string ReceivedHeader(string id, DateTimeOffset now)
    {
        var sb = new StringBuilder(256);
        sb.Append("Received: from ");
        if (_hostName is null)
        {
            sb.Append(_who);
            if (_helo is not null) sb.Append(" (helo=").Append(_helo).Append(')');
        }
        else
        {
            // Exim's shape with a verified name: "from name ([ip] helo=x)", the helo left out when it is the name.
            sb.Append(_hostName).Append(" (").Append(_who);
            if (_helo is not null && !_helo.Equals(_hostName, StringComparison.OrdinalIgnoreCase)) sb.Append(" helo=").Append(_helo);
            sb.Append(')');
        }
        sb.Append("\n\tby ").Append(_settings.Main.PrimaryHostname).Append(" with ").Append(_esmtp ? "esmtp" : "smtp")
          .Append(" (Exim ").Append(_settings.Version).Append(")\n\t(envelope-from <").Append(_sender).Append(">)\n\tid ").Append(id);
        if (_recipients.Count == 1) sb.Append("\n\tfor ").Append(_recipients[0]);
        sb.Append(";\n\t").Append(SmtpSettings.RfcDate(now));
        return sb.ToString();
    }

    private SessionResult? Nonmail(string line, string reply, bool reset = false)
    {
        if (CountNonmail()) return TooManyNonmail(line);
        if (reset) ResetTransaction();
        Reply(reply);
        return null;
    }

    /// <summary>Counts a non-mail command; true when smtp_accept_max_nonmail is exceeded.</summary>
    private bool CountNonmail() => _nonmailLimited && ++_nonmail > _settings.Main.SmtpAcceptMaxNonmail;

    private SessionResult TooManyNonmail(string line)
    {
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        SmtpLog.TooManyNonmail(_logger, Host, P(space < 0 ? line : line[..space]));
        Reply("554 Too many nonmail commands"); // Exim's smtp_notquit_exit("bad-commands", "554", ...)
        return new SessionResult(SessionOutcome.Closed, _messages);
    }

    /// <summary>Exim's synprot_error log line (main log only: it is no rejection).</summary>
    private void SyntaxError(string line, string reason) => SmtpLog.SynprotError(_logger, "syntax", P(Truncate(line)), Host, reason);


    /// <summary>The daemon is stopping and the drain time is over: Exim's 421, and the session ends.</summary>
    private SessionResult ShuttingDown()
    {
        SmtpLog.ClosedByShutdown(_logger, _who);
        Reply($"421 {Hostname}: Service not available - closing connection");
        return new SessionResult(SessionOutcome.Closed, _messages);
    }

    /// <summary>
    /// Answers a syntax or protocol error and counts it. Past smtp_max_synprot_errors the connection ends as Exim's
    /// synprot_error ends it: the reply becomes a continuation line, followed by the same code with
    /// <c>Too many syntax or protocol errors</c>. Returns the session's end then, else null.
    /// </summary>
    private SessionResult? ProtocolError(string reply, string line)
    {
        if (++_synprotErrors <= _settings.Main.SmtpMaxSynprotErrors)
        {
            Reply(reply);
            return null;
        }
        SmtpLog.TooManySynprot(_logger, Host, P(Truncate(line)), _history.Format());
        Reply($"{reply[..3]}-{reply[4..]}");
        Reply($"{reply[..3]} Too many syntax or protocol errors");
        return new SessionResult(SessionOutcome.Closed, _messages);
    }

    private async Task<bool> SkipRestOfLineAsync()
    {
        for (var i = 0; i < 1024; i++)
        {
            var (status, _, _) = await _reader.ReadLineAsync().ConfigureAwait(false);
            if (status == ReadStatus.Line) return true;
            if (status != ReadStatus.Partial) return false;
        }
        return false;
    }

    private void ResetTransaction()
    {
        _sender = null;
        _recipients.Clear();
        _tooManyRecipientsLogged = false; // Exim logs it once per message
    }

    /// <summary>
    /// Queues a reply. Our own text is UTF-8; client text in it has been through <see cref="P"/>, so its control bytes
    /// are escaped and its 8-bit bytes go back exactly as they came (<see cref="ClientText.GetBytes(ReadOnlySpan{char}, Span{byte})"/>).
    /// </summary>
    private void Reply(string text)
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

    private async ValueTask FlushAsync()
    {
        if (_outputLength == 0) return;
        try
        {
            var timeout = _settings.Main.SmtpReceiveTimeout;
            using var cts = new CancellationTokenSource(timeout > TimeSpan.Zero ? timeout : Timeout.InfiniteTimeSpan); // 0: no limit
            await _socket.SendAsync(_output.AsMemory(0, _outputLength), SocketFlags.None, cts.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The client is gone or not reading; the next read reports it.
        }
        _outputLength = 0;
        ArrayPool<byte>.Shared.Return(_output);
        _output = [];
    }

    private static string Truncate(string s) => s.Length <= 200 ? s : s[..200] + "...";

    public void Dispose() => _reader.Dispose();
}
