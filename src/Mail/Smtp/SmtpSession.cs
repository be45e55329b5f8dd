using System.Buffers;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Exim.Abstractions.Daemon;
using Exim.Abstractions.Matching;
using Exim.Abstractions.Resolution;
using Exim.Mail.Spool;
using Microsoft.Extensions.Logging;

namespace Exim.Mail.Smtp;

/// <summary>
/// One RFC 5321 server session: HELO/EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT, VRFY, HELP, with PIPELINING, SIZE
/// and 8BITMIME, Exim's reply texts and limits. Replies are batched while pipelined input is waiting and flushed
/// before each blocking read. 250 after DATA is sent only once the spool says the message is durable.
/// </summary>
internal sealed class SmtpSession : IDisposable
{
    private static readonly string[] MustBeLast = ["EHLO", "HELO", "DATA", "QUIT", "NOOP", "VRFY", "EXPN", "HELP"];

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

    private string? _helo;
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
        _reader = new SmtpLineReader(_socket, settings.Main.SmtpReceiveTimeout, shutdown);
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
        (null, { } helo) => $"({helo}) {_who}",
        ({ } name, { } helo) when !helo.Equals(name, StringComparison.OrdinalIgnoreCase) => $"{name} ({helo}) {_who}",
        ({ } name, _) => $"{name} {_who}",
    };

    private string Hostname => _settings.Hostname;

    public async Task<SessionResult> RunAsync()
    {
        try
        {
            if (!_settings.ConnectionNolog.Matches(_connection.Remote.Address)) SmtpLog.Connection(_logger, _who, _connection.ConnectionCount);
            if (_settings.EnforceSync && _reader.InputPendingNow())
            {
                SmtpLog.SyncError(_logger, "input sent without waiting for greeting", "", _who);
                Reply("554 SMTP synchronization error");
                await FlushAsync().ConfigureAwait(false);
                return new SessionResult(SessionOutcome.Dropped, 0);
            }
            await LookUpHostNameAsync().ConfigureAwait(false);
            if (_policy is not null && await ApplyPolicyAsync(_policy).ConfigureAwait(false) is { } refused) return refused;
            Reply($"220 {_settings.Banner(_time.GetLocalNow())}");
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
            if (!_reader.HasBufferedInput) await FlushAsync().ConfigureAwait(false);
            var (status, raw) = await _reader.ReadLineAsync().ConfigureAwait(false);
            switch (status)
            {
                case ReadStatus.Closed:
                    SmtpLog.Disconnected(_logger, Host, (long)System.Diagnostics.Stopwatch.GetElapsedTime(_started).TotalSeconds);
                    return new SessionResult(SessionOutcome.Dropped, _messages);
                case ReadStatus.Timeout:
                    SmtpLog.CommandTimeout(_logger, Host);
                    Reply($"421 {Hostname}: SMTP command timeout - closing connection");
                    return new SessionResult(SessionOutcome.Timeout, _messages);
                case ReadStatus.Shutdown:
                    return ShuttingDown();
                case ReadStatus.Partial:
                    if (!await SkipRestOfLineAsync().ConfigureAwait(false)) return new SessionResult(SessionOutcome.Dropped, _messages);
                    Reply("500 Command line too long");
                    if (SynprotError("(line too long)")) return new SessionResult(SessionOutcome.Closed, _messages);
                    continue;
            }

            var line = Encoding.Latin1.GetString(raw.Span);
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            var verb = (space < 0 ? line : line[..space]).ToUpperInvariant();
            var argument = space < 0 ? "" : line[(space + 1)..].Trim();

            if (_settings.EnforceSync && _reader.HasBufferedInput && (!_esmtp || Array.IndexOf(MustBeLast, verb) >= 0))
            {
                SmtpLog.SyncError(_logger, _esmtp ? "next input sent too soon" : "next input sent too soon: pipelining was not advertised", line, Host);
                Reply("554 SMTP synchronization error");
                return new SessionResult(SessionOutcome.Dropped, _messages);
            }

            var outcome = verb switch
            {
                "EHLO" => Helo(argument, esmtp: true, line),
                "HELO" => Helo(argument, esmtp: false, line),
                "MAIL" => Mail(argument, line),
                "RCPT" => await RcptAsync(argument, line).ConfigureAwait(false),
                "DATA" => await DataAsync(argument, line).ConfigureAwait(false),
                "RSET" => Nonmail(line, "250 Reset OK", reset: true),
                "NOOP" => Nonmail(line, "250 OK"),
                "VRFY" => Nonmail(line, "252 VRFY not available"),
                "EXPN" => Nonmail(line, "550 Administrative prohibition"),
                "HELP" => Nonmail(line, "214-Commands supported:\r\n214 HELO EHLO MAIL RCPT DATA NOOP QUIT RSET HELP"),
                "QUIT" => Quit(),
                _ => Unrecognized(line),
            };
            if (outcome is { } end) return end;
        }
    }

    private SessionResult? Quit()
    {
        Reply($"221 {Hostname} closing connection");
        SmtpLog.ClosedByQuit(_logger, Host);
        return new SessionResult(SessionOutcome.Quit, _messages);
    }

    private SessionResult? Unrecognized(string line)
    {
        Reply("500 unrecognized command");
        SmtpLog.SyntaxError(_logger, Truncate(line), Host, "unrecognized command");
        return ProtocolError(line);
    }

    private SessionResult? Helo(string argument, bool esmtp, string line)
    {
        var name = argument.Split(' ', 2)[0];
        if (name.Length == 0 || !(SmtpAddress.IsDomain(name) || (name.StartsWith('[') && name.EndsWith(']'))))
        {
            Reply($"501 Syntactically invalid {(esmtp ? "EHLO" : "HELO")} argument(s)");
            SmtpLog.SyntaxError(_logger, Truncate(line), Host, $"syntactically invalid argument(s)");
            return ProtocolError(line);
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
            Reply("503 sender already given");
            return ProtocolError(line);
        }
        var max = _settings.Main.SmtpAcceptMaxPerConnection;
        if (max > 0 && _messages >= max)
        {
            SmtpLog.TooManyMessages(_logger, Host);
            Reply("421 too many messages in this connection");
            return new SessionResult(SessionOutcome.Closed, _messages);
        }
        if (!argument.StartsWith("FROM:", StringComparison.OrdinalIgnoreCase) || !SmtpAddress.TryParsePath(argument[5..], out var address, out var parameters))
        {
            Reply($"501 {Truncate(argument)}: malformed address");
            SmtpLog.SyntaxError(_logger, Truncate(line), Host, "malformed address");
            return ProtocolError(line);
        }
        if (address.Length > 0 && SmtpAddress.Split(address).Domain.Length == 0)
        {
            Reply($"501 <{address}>: sender address must contain a domain");
            SmtpLog.RejectedMail(_logger, Host, address, "sender address must contain a domain");
            return null;
        }
        foreach (var p in parameters.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = p.IndexOf('=', StringComparison.Ordinal);
            var key = (eq < 0 ? p : p[..eq]).ToUpperInvariant();
            var value = eq < 0 ? "" : p[(eq + 1)..];
            if (key == "SIZE" && _esmtp && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var declared))
            {
                if (_settings.Main.MessageSizeLimit > 0 && declared > _settings.Main.MessageSizeLimit)
                {
                    Reply("552 Message size exceeds maximum permitted");
                    SmtpLog.RejectedMail(_logger, Host, address, "message too big");
                    return null;
                }
            }
            else if (!(key == "BODY" && _esmtp && value.ToUpperInvariant() is "7BIT" or "8BITMIME"))
            {
                Reply($"555 Unsupported parameter: {Truncate(p)}");
                return ProtocolError(line);
            }
        }
        _sender = address;
        _nonmail = 0;
        Reply("250 OK");
        return null;
    }

    private async Task<SessionResult?> RcptAsync(string argument, string line)
    {
        if (_sender is null)
        {
            Reply("503 sender not yet given");
            return ProtocolError(line);
        }
        if (!argument.StartsWith("TO:", StringComparison.OrdinalIgnoreCase) || !SmtpAddress.TryParsePath(argument[3..], out var address, out _) || address.Length == 0)
        {
            Reply($"501 {Truncate(argument)}: malformed address");
            SmtpLog.SyntaxError(_logger, Truncate(line), Host, "malformed address");
            return ProtocolError(line);
        }
        var (local, domain) = SmtpAddress.Split(address);
        if (domain.Length == 0)
        {
            Reply($"501 <{address}>: recipient address must contain a domain");
            return null;
        }
        var max = _settings.Main.RecipientsMax;
        if (max > 0 && _recipients.Count >= max)
        {
            Reply("452 too many recipients");
            return null;
        }
        // %-hacks, !-paths, embedded @ and leading dots never reach routing: they are how open relays happen by accident.
        // Checked on the local part as routing sees it, with its quoting removed ("..", "\.\." are "..").
        var dequoted = Routing.LocalPart.Unquote(local);
        if (dequoted.StartsWith('.') || dequoted.AsSpan().IndexOfAny("@%!/|") >= 0)
        {
            Reply("550 restricted characters in address");
            SmtpLog.RejectedRcpt(_logger, Host, _sender, address, "restricted characters in address");
            return null;
        }
        if (!_settings.LocalDomains.Matches(domain) && !_settings.RelayToDomains.Matches(domain))
        {
            switch (await MatchAsync(_settings.RelayFromHosts).ConfigureAwait(false))
            {
                case HostListMatch.NoMatch:
                    Reply("550 relay not permitted");
                    SmtpLog.RejectedRcpt(_logger, Host, _sender, address, "relay not permitted");
                    return null;
                case HostListMatch.Defer:
                    // Exim's ACL defer: a host name lookup for relay_from_hosts did not complete.
                    Reply("451 Temporary local problem - please try later");
                    SmtpLog.TemporarilyRejectedRcpt(_logger, Host, _sender, address, "host lookup for relay_from_hosts did not complete");
                    return null;
            }
        }
        _recipients.Add(address);
        Reply("250 Accepted");
        return null;
    }

    private async Task<SessionResult?> DataAsync(string argument, string line)
    {
        if (_sender is null || _recipients.Count == 0)
        {
            Reply("503 valid RCPT command must precede DATA");
            return ProtocolError(line);
        }
        SpoolMessage message;
        try
        {
            message = _spool.Create(_queue);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            SmtpLog.SpoolFailed(_logger, "-", Host, e);
            Reply("451 Temporary local problem - please try later");
            ResetTransaction();
            return null;
        }
        Reply("354 Enter message, ending with \".\" on a line by itself");
        await FlushAsync().ConfigureAwait(false);

        var receiver = new MessageReceiver(message.Data, _settings.Main.MessageSizeLimit);
        while (true)
        {
            var (status, raw) = await _reader.ReadLineAsync().ConfigureAwait(false);
            if (status == ReadStatus.Line && raw.Length == 1 && raw.Span[0] == (byte)'.' && !receiver.InPartialLine) break;
            if (status is ReadStatus.Line or ReadStatus.Partial)
            {
                receiver.Add(raw.Span, complete: status == ReadStatus.Line);
                continue;
            }
            await FileSpool.AbandonAsync(message).ConfigureAwait(false);
            switch (status)
            {
                case ReadStatus.Timeout:
                    SmtpLog.DataTimeout(_logger, Host, _sender);
                    Reply($"421 {Hostname}: SMTP incoming data timeout - closing connection");
                    return new SessionResult(SessionOutcome.Timeout, _messages);
                case ReadStatus.Shutdown:
                    return ShuttingDown();
                default:
                    SmtpLog.LostInData(_logger, Host);
                    return new SessionResult(SessionOutcome.Dropped, _messages);
            }
        }

        if (receiver.TooBig)
        {
            await FileSpool.AbandonAsync(message).ConfigureAwait(false);
            SmtpLog.TooBig(_logger, Host, _sender, receiver.Received, _settings.Main.MessageSizeLimit);
            Reply("552 Message size exceeds maximum permitted");
            ResetTransaction();
            return null;
        }

        await receiver.FinishAsync().ConfigureAwait(false);
        var now = _time.GetLocalNow();
        var headers = new List<string>(receiver.Headers.Count + 1) { ReceivedHeader(message.Id, now) };
        headers.AddRange(receiver.Headers);
        var envelope = new Envelope(_sender, [.. _recipients], now, _helo, _clientIp, _connection.Remote.Port,
            _connection.Local.Address.ToString(), _connection.Local.Port, _esmtp ? "esmtp" : "smtp", receiver.BodyLines, receiver.MaxLineLength);
        try
        {
            if (_settings.HostChecking) await FileSpool.AbandonAsync(message).ConfigureAwait(false);
            else await _spool.CommitAsync(message, envelope, headers, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            SmtpLog.SpoolFailed(_logger, message.Id, Host, e);
            await FileSpool.AbandonAsync(message).ConfigureAwait(false);
            Reply("451 Temporary local problem - please try later");
            ResetTransaction();
            return null;
        }

        _messages++;
        var size = receiver.HeaderBytes + Encoding.Latin1.GetByteCount(headers[0]) + 1 + receiver.BodyBytes;
        SmtpLog.Received(_logger, message.Id, _sender.Length == 0 ? "<>" : _sender, Host, _esmtp ? "esmtp" : "smtp", size,
            _queue is null ? "" : " Q=" + _queue, receiver.MessageId is { } mid ? $" id={mid}" : "");
        Reply($"250 OK id={message.Id}");
        if (_settings.HostChecking)
        {
            Reply("\r\n**** SMTP testing: that is not a real message id!\r\n");
            ResetTransaction();
            return null;
        }
        DecideDelivery(message.Ref);
        ResetTransaction();
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
        SmtpLog.TooManyNonmail(_logger, _who, Truncate(line));
        Reply($"421 {Hostname}: too many nonmail commands");
        return new SessionResult(SessionOutcome.Closed, _messages);
    }

    /// <summary>Counts a syntax or protocol error; the session's end when that was one too many, else null.</summary>
    private SessionResult? ProtocolError(string line) => SynprotError(line) ? new SessionResult(SessionOutcome.Closed, _messages) : null;

    /// <summary>The daemon is stopping and the drain time is over: Exim's 421, and the session ends.</summary>
    private SessionResult ShuttingDown()
    {
        SmtpLog.ClosedByShutdown(_logger, _who);
        Reply($"421 {Hostname}: Service not available - closing connection");
        return new SessionResult(SessionOutcome.Closed, _messages);
    }

    /// <summary>Counts a syntax or protocol error; past smtp_max_synprot_errors the connection is dropped with 421.</summary>
    private bool SynprotError(string line)
    {
        if (++_synprotErrors <= _settings.Main.SmtpMaxSynprotErrors) return false;
        SmtpLog.TooManySynprot(_logger, _who, Truncate(line));
        Reply($"421 {Hostname}: too many syntax or protocol errors");
        return true;
    }

    private async Task<bool> SkipRestOfLineAsync()
    {
        for (var i = 0; i < 1024; i++)
        {
            var (status, _) = await _reader.ReadLineAsync().ConfigureAwait(false);
            if (status == ReadStatus.Line) return true;
            if (status != ReadStatus.Partial) return false;
        }
        return false;
    }

    private void ResetTransaction()
    {
        _sender = null;
        _recipients.Clear();
    }

    private void Reply(string text)
    {
        var needed = _outputLength + Encoding.UTF8.GetMaxByteCount(text.Length) + 2;
        if (_output.Length < needed)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, 1024));
            _output.AsSpan(0, _outputLength).CopyTo(bigger);
            if (_output.Length > 0) ArrayPool<byte>.Shared.Return(_output);
            _output = bigger;
        }
        _outputLength += Encoding.UTF8.GetBytes(text, _output.AsSpan(_outputLength));
        _output[_outputLength++] = (byte)'\r';
        _output[_outputLength++] = (byte)'\n';
    }

    private async ValueTask FlushAsync()
    {
        if (_outputLength == 0) return;
        try
        {
            using var cts = new CancellationTokenSource(_settings.Main.SmtpReceiveTimeout);
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
