using System.Buffers;
using System.Buffers.Text;
using Exim.Abstractions.Auth;
using Exim.Abstractions.Daemon;
using Exim.Mail.Smtp.Auth;
using Exim.Mail.Smtp.Protocol;
using Exim.Mail.Text;

namespace Exim.Mail.Smtp.Commands;

/// <summary>
/// AUTH (RFC 4954) as Exim's smtp_in_auth runs it: only once advertised, never twice, never in a transaction; the
/// mechanism is one of the generation's authenticators' public names; an initial response (<c>=</c> for an empty one),
/// then <c>334</c> challenges each answered within smtp_receive_timeout, <c>*</c> cancelling. The authenticator decides:
/// <c>235 Authentication succeeded</c> (the connection's description then carries the id, so the <c>A=</c> field, the
/// <c>esmtpa</c> protocol, relay and the hooks see it), <c>535 Incorrect authentication data</c> or <c>435 Unable to
/// authenticate at present</c>; every outcome but success is logged with Exim's <c>authenticator failed</c> line. After
/// smtp_max_auth_failures 535s on one connection the client is told 421 and dropped (ours). An exchange that has not
/// ended after 16 challenges is answered 435 (ours).
/// </summary>
internal sealed class AuthCommand : SmtpCommandHandler
{
    public static AuthCommand Instance { get; } = new();

    private const string Succeeded = "235 Authentication succeeded";
    private const string Incorrect = "535 Incorrect authentication data";
    private const string Unable = "435 Unable to authenticate at present";
    private const string Cancelled = "501 Authentication cancelled";
    private const string BadBase64 = "501 Invalid base64 data";

    /// <summary>
    /// The most 334 challenges one AUTH may take (ours: Exim has no limit). Each step is bounded in time; this bounds
    /// their number, so an authenticator (or a Dovecot answering CONT) cannot keep the session talking for ever.
    /// </summary>
    private const int MaxChallenges = 16;

    public override async ValueTask<SessionResult?> ExecuteAsync(SessionState session, string argument, string line)
    {
        var space = argument.AsSpan().IndexOfAny(' ', '\t');
        var mechanism = space < 0 ? argument : argument[..space];
        // Credentials never reach a log line: only the verb and the mechanism are shown.
        var shown = CommandLogForm.Of(line);
        // Exim counts every AUTH but the first as a non-mail command.
        if (session.AuthSeen && session.CountNonmail()) return session.TooManyNonmail(shown);
        session.AuthSeen = true;
        if (!session.AuthAdvertised) return session.ProtocolError("503 AUTH command used when not advertised", shown);
        if (session.Connection.Description.Authenticator is not null) return session.ProtocolError("503 already authenticated", shown);
        if (session.Sender is not null) return session.ProtocolError("503 not permitted in mail transaction", shown);
        if (mechanism.Length == 0)
        {
            session.SyntaxError(shown, "AUTH must have a mechanism name");
            return session.ProtocolError("501 AUTH must have a mechanism name", shown);
        }
        foreach (var c in mechanism)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                session.SyntaxError(shown, "invalid character in authentication mechanism name");
                return session.ProtocolError("501 invalid character in authentication mechanism name", shown);
            }
        }
        var authenticator = Find(session.Settings.Authenticators, mechanism);
        if (authenticator is null)
        {
            return session.ProtocolError($"504 {SessionState.Echo(mechanism)} authentication mechanism not supported", shown);
        }

        ReadOnlyMemory<byte>? initial = null;
        if (space >= 0)
        {
            var data = argument.AsSpan(space + 1).Trim();
            if (data is "=")
            {
                initial = ReadOnlyMemory<byte>.Empty; // RFC 4954: an empty initial response
            }
            else if (data.Length > 0)
            {
                if (!TryDecode(data, out var decoded)) return Fail(session, authenticator, BadBase64, BadBase64);
                initial = decoded;
            }
        }
        return await RunAsync(session, authenticator, initial).ConfigureAwait(false);
    }

    private static Authenticator? Find(System.Collections.Immutable.ImmutableArray<Authenticator> authenticators, string mechanism)
    {
        foreach (var a in authenticators)
        {
            if (string.Equals(a.PublicName, mechanism, StringComparison.OrdinalIgnoreCase)) return a;
        }
        return null;
    }

    private static async Task<SessionResult?> RunAsync(SessionState session, Authenticator authenticator, ReadOnlyMemory<byte>? response)
    {
        var connection = session.Connection;
        var timeout = session.Settings.Main.SmtpReceiveTimeout;
        SaslStep step;
        var conversation = authenticator.Server.Start(connection.Description);
        var challenges = 0;
        try
        {
            while (true)
            {
                // The authenticator gets as long as the client would: a hung back end cannot hold the session.
                using var limit = new CancellationTokenSource(timeout > TimeSpan.Zero ? timeout : Timeout.InfiniteTimeSpan, session.Time);
                using var cts = CancellationTokenSource.CreateLinkedTokenSource(connection.ShutdownToken, limit.Token);
                try
                {
                    step = await conversation.NextAsync(response, cts.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (connection.ShutdownToken.IsCancellationRequested)
                {
                    return session.ShuttingDown();
                }
                catch (OperationCanceledException)
                {
                    step = SaslStep.Deferred($"no answer within {Text.EximTimeText.Format(timeout)}");
                }
                catch (Exception e)
                {
                    SmtpLog.AuthenticatorCrashed(session.Logger, authenticator.Name, session.Host, e);
                    step = SaslStep.Deferred(e.Message);
                }
                if (step.Kind != SaslStepKind.Challenge) break;
                if (++challenges > MaxChallenges)
                {
                    step = SaslStep.Deferred($"more than {MaxChallenges} challenges");
                    break;
                }

                session.Reply("334 " + Convert.ToBase64String(step.Challenge.Span));
                var reader = session.Reader;
                reader.StartLine(timeout);
                if (!reader.HasBufferedInput) await session.FlushAsync().ConfigureAwait(false);
                var (status, raw, _) = await reader.ReadLineAsync().ConfigureAwait(false);
                switch (status)
                {
                    case ReadStatus.Closed or ReadStatus.Timeout or ReadStatus.Shutdown:
                        return session.ReadEnded(status);
                    case ReadStatus.Partial:
                        // Longer than any line we take: Exim's BAD64 for a response that overflows its buffer.
                        if (!await SmtpSession.SkipRestOfLineAsync(reader).ConfigureAwait(false)) return session.End(SessionOutcome.Dropped);
                        return Fail(session, authenticator, BadBase64, BadBase64);
                }
                var line = raw.Span;
                if (line.Length == 1 && line[0] == (byte)'*') return Fail(session, authenticator, Cancelled, Cancelled);
                if (!TryDecode(line, out var decoded)) return Fail(session, authenticator, BadBase64, BadBase64);
                response = decoded;
            }
        }
        finally
        {
            await conversation.DisposeAsync().ConfigureAwait(false);
        }

        var setId = step.Id is { Length: > 0 } id ? ClientText.Printing(id) : null;
        switch (step.Kind)
        {
            case SaslStepKind.Success:
                connection.Describe(connection.Description with { AuthenticatedId = setId, Authenticator = authenticator.Name });
                session.Reply(Succeeded);
                return null;
            case SaslStepKind.Failure:
                var failed = Fail(session, authenticator, Incorrect, Incorrect + SetId(setId));
                var max = session.Settings.Main.SmtpMaxAuthFailures;
                if (max <= 0 || ++session.AuthFailures < max) return failed;
                SmtpLog.TooManyAuthFailures(session.Logger, session.Host, session.AuthFailures);
                session.Reply($"421 {session.Hostname}: too many authentication failures - closing connection");
                return session.End(SessionOutcome.Closed);
            default:
                return Fail(session, authenticator, Unable, $"{Unable}{SetId(setId)}: {step.Reason}");
        }
    }

    private static string SetId(string? id) => id is null ? "" : $" (set_id={id})";

    /// <summary>Answers an AUTH that did not succeed and logs Exim's line with what the client was told (and more).</summary>
    private static SessionResult? Fail(SessionState session, Authenticator authenticator, string reply, string logged)
    {
        session.Reply(reply);
        SmtpLog.AuthenticatorFailed(session.Logger, authenticator.Name, session.Host, logged);
        return null;
    }

    /// <summary>Base64 as Exim's b64decode takes it: missing padding is tolerated, anything else that is not base64 is not.</summary>
    private static bool TryDecode(ReadOnlySpan<char> text, out byte[] decoded)
    {
        Span<byte> ascii = text.Length <= 4096 ? stackalloc byte[text.Length] : new byte[text.Length];
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] > 127)
            {
                decoded = [];
                return false;
            }
            ascii[i] = (byte)text[i];
        }
        return TryDecode(ascii, out decoded);
    }

    private static bool TryDecode(ReadOnlySpan<byte> text, out byte[] decoded)
    {
        decoded = [];
        if (text.IsEmpty) return true;
        var padded = new byte[(text.Length + 3) / 4 * 4];
        text.CopyTo(padded);
        padded.AsSpan(text.Length).Fill((byte)'=');
        var buffer = new byte[Base64.GetMaxDecodedFromUtf8Length(padded.Length)];
        if (Base64.DecodeFromUtf8(padded, buffer, out var consumed, out var written) != OperationStatus.Done || consumed != padded.Length) return false;
        decoded = buffer[..written];
        return true;
    }
}
