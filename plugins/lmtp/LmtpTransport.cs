using System.Collections.Immutable;
using System.Globalization;
using System.Net.Sockets;
using Exim.Abstractions.Transports;

namespace Exim.Plugins.Lmtp;

/// <summary>
/// One configured <c>lmtp</c> transport, speaking LMTP as Exim's transports/lmtp.c does: the greeting, <c>LHLO</c> with
/// primary_hostname, <c>MAIL FROM</c>, one <c>RCPT TO</c> per recipient (a refusal is that recipient's: <c>LMTP error
/// after RCPT TO:&lt;a@b&gt;: 550 ...</c>), <c>DATA</c> with the message in CRLF and dot-stuffed, then one reply per
/// accepted recipient, in order, each that recipient's outcome (2xx delivered, with the reply as its confirmation; 4xx
/// deferred, 5xx failed: <c>LMTP error after end of data: 552 ...</c>), and <c>QUIT</c>.
/// A failure before the data's replies (no connection, a refused MAIL or DATA, a timeout, a closed connection, a
/// malformed reply) decides every recipient alike; one while reading the replies after the data decides those still
/// waiting. Error numbers as Exim's: -44 for a 4xx to RCPT, -45 to MAIL, -46 to DATA or after it (what retry rules
/// match as <c>rcpt_4xx</c>, <c>mail_4xx</c>, <c>data_4xx</c>).
/// </summary>
internal sealed class LmtpTransport(string name, LmtpServer server, string primaryHostname, TimeSpan timeout, bool ignoreQuota) : ITransport
{
    private const int Rcpt4xx = -44;
    private const int Mail4xx = -45;
    private const int Data4xx = -46;

    /// <summary>LMTP delivers into local mailboxes: a local transport, run before the remote ones.</summary>
    public bool IsRemote => false;

    /// <summary>Any number per transaction: the generic <c>batch_max</c> decides how many one run gets.</summary>
    public int MaxRecipients => int.MaxValue;

    public async ValueTask<TransportResult> DeliverAsync(TransportRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        LmtpConnection connection;
        try
        {
            var endpoint = await server.EndPointAsync(cancellationToken).ConfigureAwait(false);
            connection = await LmtpConnection.ConnectAsync(endpoint, timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or TimeoutException)
        {
            var reason = e is TimeoutException ? "Connection timed out" : e.Message;
            return new TransportResult([.. request.Recipients.Select(r => RecipientOutcome.Deferred(r.Address,
                $"Failed to connect to {server} for {name} transport: {reason}"))]);
        }
        await using (connection.ConfigureAwait(false))
        {
            var run = new Run(request.Recipients);
            try
            {
                await TransactAsync(connection, request, run, cancellationToken).ConfigureAwait(false);
                await QuitAsync(connection, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                run.Undecided(RecipientOutcomeKind.Deferred, $"LMTP timeout after {connection.Stage}"
                    + (run.Written > 0 ? string.Create(CultureInfo.InvariantCulture, $" ({run.Written} bytes written)") : ""), 0);
            }
            catch (LmtpClosedException)
            {
                run.Undecided(RecipientOutcomeKind.Deferred, $"LMTP connection closed after {connection.Stage}", 0);
            }
            catch (InvalidDataException e)
            {
                run.Undecided(RecipientOutcomeKind.Deferred, $"Malformed LMTP response after {connection.Stage}: {e.Message}", 0);
            }
            catch (Exception e) when (e is SocketException or IOException)
            {
                run.Undecided(RecipientOutcomeKind.Deferred, $"LMTP connection closed after {connection.Stage}: {e.Message}", 0);
            }
            return new TransportResult(run.Outcomes());
        }
    }

    private async Task TransactAsync(LmtpConnection connection, TransportRequest request, Run run, CancellationToken cancellationToken)
    {
        if (await ExpectAsync(connection, run, '2', 0, cancellationToken).ConfigureAwait(false) is null) return;
        await connection.SendAsync($"LHLO {primaryHostname}", cancellationToken).ConfigureAwait(false);
        if (await ExpectAsync(connection, run, '2', 0, cancellationToken).ConfigureAwait(false) is not { } lhlo) return;
        var quota = ignoreQuota && lhlo.Text.Split('\n').Any(l => l.Length > 4 && l[4..].StartsWith("IGNOREQUOTA", StringComparison.OrdinalIgnoreCase))
            ? " IGNOREQUOTA" : "";
        await connection.SendAsync($"MAIL FROM:<{request.Message.Sender}>", cancellationToken).ConfigureAwait(false);
        if (await ExpectAsync(connection, run, '2', Mail4xx, cancellationToken).ConfigureAwait(false) is null) return;

        var accepted = new List<DeliveryRecipient>();
        foreach (var recipient in request.Recipients)
        {
            await connection.SendAsync($"RCPT TO:<{recipient.Address}>{quota}", cancellationToken).ConfigureAwait(false);
            var reply = await ReadAsync(connection, connection.Timeout, cancellationToken).ConfigureAwait(false);
            if (reply.IsPositive) accepted.Add(recipient);
            else run.Decide(recipient.Address, FromReply(recipient.Address, reply, connection.Stage, Rcpt4xx));
        }
        if (accepted.Count == 0) return;

        await connection.SendAsync("DATA", cancellationToken).ConfigureAwait(false);
        if (await ExpectAsync(connection, run, '3', Data4xx, cancellationToken).ConfigureAwait(false) is null) return;
        connection.Stage = "sending data block";
        var data = new LmtpDataStream(connection, cancellationToken);
        try
        {
            await request.Message.WriteToAsync(data, MessageWriteOptions.CrLf | MessageWriteOptions.DotStuff, cancellationToken).ConfigureAwait(false);
            await data.WriteAsync((data.LineStart ? ".\r\n"u8 : "\r\n.\r\n"u8).ToArray(), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            run.Written = data.Written;
        }

        // One reply per accepted recipient, in RCPT order (RFC 2033 §4.2); what goes wrong now decides those left.
        connection.Stage = "end of data";
        run.DataSent = true;
        foreach (var recipient in accepted)
        {
            var reply = await ReadAsync(connection, connection.Timeout, cancellationToken).ConfigureAwait(false);
            run.Decide(recipient.Address, reply.IsPositive
                ? RecipientOutcome.Delivered(recipient.Address, reply.Text)
                : FromReply(recipient.Address, reply, connection.Stage, Data4xx));
        }
    }

    /// <summary>
    /// Reads a reply that must start with <paramref name="digit"/>; any other decides every recipient (Exim's
    /// RESPONSE_FAILED: a 5xx fails them, anything else defers them, a 4xx with <paramref name="temporaryErrno"/>).
    /// </summary>
    private static async Task<LmtpReply?> ExpectAsync(LmtpConnection connection, Run run, char digit, int temporaryErrno, CancellationToken cancellationToken)
    {
        var reply = await ReadAsync(connection, connection.Timeout, cancellationToken).ConfigureAwait(false);
        if (reply.Digit == digit) return reply;
        run.Undecided(reply.Digit == '5' ? RecipientOutcomeKind.Failed : RecipientOutcomeKind.Deferred,
            $"LMTP error after {connection.Stage}: {reply.Text}", reply.IsTemporary ? temporaryErrno : 0);
        await QuitAsync(connection, cancellationToken).ConfigureAwait(false);
        return null;
    }

    /// <summary>A reply; the server closing the connection instead is an <see cref="IOException"/> ("LMTP connection closed after ...").</summary>
    private static async Task<LmtpReply> ReadAsync(LmtpConnection connection, TimeSpan within, CancellationToken cancellationToken)
        => await connection.ReadReplyAsync(within, cancellationToken).ConfigureAwait(false)
            ?? throw new LmtpClosedException();

    private static RecipientOutcome FromReply(string address, LmtpReply reply, string stage, int temporaryErrno)
    {
        var message = $"LMTP error after {stage}: {reply.Text}";
        return reply.Digit == '5'
            ? RecipientOutcome.Failed(address, message)
            : RecipientOutcome.Deferred(address, message) with { Errno = reply.IsTemporary ? temporaryErrno : 0 };
    }

    /// <summary>QUIT, and its reply awaited a second at most (Exim's), whatever becomes of it.</summary>
    private static async Task QuitAsync(LmtpConnection connection, CancellationToken cancellationToken)
    {
        var stage = connection.Stage;
        try
        {
            await connection.SendAsync("QUIT", cancellationToken).ConfigureAwait(false);
            await connection.ReadReplyAsync(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or IOException or TimeoutException or InvalidDataException)
        {
            // The outcomes are decided; a server that does not answer QUIT changes none of them.
        }
        connection.Stage = stage;
    }

    /// <summary>The outcomes decided so far; the rest are decided together when something goes wrong.</summary>
    private sealed class Run(ImmutableArray<DeliveryRecipient> recipients)
    {
        private readonly Dictionary<string, RecipientOutcome> _decided = new(StringComparer.Ordinal);

        public long Written { get; set; }

        /// <summary>Whether the data went out: from then on, outcomes already decided stand.</summary>
        public bool DataSent { get; set; }

        public void Decide(string address, RecipientOutcome outcome) => _decided.TryAdd(address, outcome);

        /// <summary>
        /// Every recipient not yet decided, or before the data every recipient (Exim gives the first address's status
        /// to all when the transaction fails before its replies), gets this outcome.
        /// </summary>
        public void Undecided(RecipientOutcomeKind kind, string message, int errno)
        {
            if (!DataSent) _decided.Clear();
            foreach (var r in recipients)
            {
                _decided.TryAdd(r.Address, new RecipientOutcome(r.Address, kind, message) { Errno = errno });
            }
        }

        public ImmutableArray<RecipientOutcome> Outcomes()
            => [.. recipients.Select(r => _decided.TryGetValue(r.Address, out var o) ? o : RecipientOutcome.Deferred(r.Address, "LMTP transaction ended without a reply"))];
    }
}
