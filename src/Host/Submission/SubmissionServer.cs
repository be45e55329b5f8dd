using System.Net.Sockets;
using System.Text;
using Exim.Host.Generations;
using Exim.Host.Log;
using Exim.Host.Security;
using Exim.Mail.Native;
using Exim.Mail.Smtp.Policy;
using Exim.Mail.Spool;
using Exim.Mail.Submission;
using Microsoft.Extensions.Logging;

namespace Exim.Host.Submission;

/// <summary>
/// The daemon's side of local submission (<c>sendmail</c>, <c>exim -bm</c>, <c>exim -bs</c> run by any user): a Unix
/// socket anyone may connect to (<see cref="SubmissionSocket"/>); who the submitter is comes from SO_PEERCRED, never
/// from what the client says, so an unprivileged user gets exactly Exim's rights of an untrusted caller while the spool
/// stays writable by the daemon's user alone (Exim needs a setuid binary for this). One connection is one submission
/// (<see cref="SubmissionRequest"/>, then the message); the reply is one line (<see cref="SubmissionOutcome.Line"/>),
/// sent once the message is durable, and with <c>-odi</c> once its delivery attempt has ended. Limits, so one user
/// cannot block submission for the others: at most <see cref="MaxConcurrent"/> submissions at once (others wait in the
/// listen backlog) and <see cref="MaxPerUser"/> per uid (more get 451); the request header must arrive whole within
/// <see cref="HeaderDeadline"/>; each read of the message waits at most smtp_receive_timeout; message_size_limit
/// applies as for SMTP.
/// </summary>
internal sealed partial class SubmissionServer : IAsyncDisposable
{
    public const int MaxConcurrent = 32;

    /// <summary>Submissions one uid may have in progress at once.</summary>
    public const int MaxPerUser = 4;

    /// <summary>The time the whole request header may take.</summary>
    public static readonly TimeSpan HeaderDeadline = TimeSpan.FromSeconds(30);

    private readonly Socket _listener;
    private readonly string _name;
    private readonly GenerationStore _store;
    private readonly Func<Generation, FileSpool> _spoolFor;
    private readonly Delivery.ImmediateDelivery _delivery;
    private readonly Func<Generation, PolicyServices?> _policiesFor;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _slots = new(MaxConcurrent);
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _lock = new();
    private readonly Dictionary<int, int> _perUid = [];
    private (long Generation, OperatorRoles Roles)? _roles;
    private Task _accepting = Task.CompletedTask;
    private int _running;

    private SubmissionServer(Socket listener, string name, GenerationStore store, Func<Generation, FileSpool> spoolFor,
        Delivery.ImmediateDelivery delivery, Func<Generation, PolicyServices?> policiesFor, ILogger logger)
    {
        (_listener, _name, _store, _spoolFor, _delivery, _policiesFor, _logger) = (listener, name, store, spoolFor, delivery, policiesFor, logger);
    }

    /// <summary>
    /// Binds the socket named by the current generation's submission_socket (a path is made mode 0666; a stale socket
    /// file no daemon answers on is replaced, anything else at the path is left alone); null when it cannot be bound,
    /// written to the main and panic logs: the daemon runs on without it, and clients (which check who answers on the
    /// socket, see SubmitCommand) refuse any other listener.
    /// </summary>
    /// <param name="policiesFor">A generation's stage policies for local submissions (the daemon makes them once per generation).</param>
    public static SubmissionServer? Start(GenerationStore store, Func<Generation, FileSpool> spoolFor, Delivery.ImmediateDelivery delivery,
        Func<Generation, PolicyServices?> policiesFor, ILogger logger)
    {
        var name = SubmissionSocket.Name(store.Current.Config.Main);
        Socket socket;
        try
        {
            if (SubmissionSocket.IsAbstract(name))
            {
                socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    socket.Bind(SubmissionSocket.EndPoint(name));
                    socket.Listen(128);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            }
            else
            {
                socket = Listeners.UnixSocketFile.Listen(name, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead
                    | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite, 128);
            }
        }
        catch (Exception e) when (e is SocketException or IOException or UnauthorizedAccessException)
        {
            BindFailed(logger, name, e.Message);
            return null;
        }
        var server = new SubmissionServer(socket, name, store, spoolFor, delivery, policiesFor, logger);
        server._accepting = Task.Run(server.AcceptLoopAsync);
        return server;
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await _slots.WaitAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                _slots.Release();
                return;
            }
            catch (SocketException e)
            {
                _slots.Release();
                AcceptFailed(_logger, _name, e.Message);
                await Task.Delay(100).ConfigureAwait(false); // EMFILE and the like: do not spin
                continue;
            }
            Interlocked.Increment(ref _running);
            _ = Task.Run(async () =>
            {
                try
                {
                    await ServeAsync(client).ConfigureAwait(false);
                }
                catch (Exception e)
                {
                    // A bug or an unexpected failure: logged; the client, given no reply, reports a temporary failure.
                    Crashed(_logger, e);
                }
                finally
                {
                    client.Dispose();
                    Interlocked.Decrement(ref _running);
                    _slots.Release();
                }
            });
        }
    }

    private async Task ServeAsync(Socket client)
    {
        PeerCredentials peer;
        try
        {
            peer = Posix.PeerCredentialsOf(client);
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            Refused(_logger, "unknown", e.Message);
            return;
        }
        if (!TryEnter(peer.Uid))
        {
            Refused(_logger, Uid(peer), $"more than {MaxPerUser} submissions at once from this user");
            await ReplyAsync(client, peer, SubmissionOutcome.Temporary($"too many concurrent submissions from this user (max {MaxPerUser})").Line + "\n").ConfigureAwait(false);
            return;
        }
        try
        {
            await ServeAsync(client, peer).ConfigureAwait(false);
        }
        finally
        {
            Leave(peer.Uid);
        }
    }

    private async Task ServeAsync(Socket client, PeerCredentials peer)
    {
        using var lease = _store.Acquire();
        var generation = lease.Generation;
        var main = generation.Config.Main;
        SubmissionOutcome outcome;
        try
        {
            List<string>? lines;
            using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token))
            {
                deadline.CancelAfter(HeaderDeadline);
                lines = await ReadRequestHeaderAsync(client, deadline.Token).ConfigureAwait(false);
            }
            string? error = "request header too long or cut short";
            if (lines is null || !SubmissionRequest.TryParse(lines, out var request, out error))
            {
                Refused(_logger, Uid(peer), error);
                outcome = SubmissionOutcome.Refused("malformed submission request");
            }
            else if (CallerFor(peer, generation) is not { } caller)
            {
                outcome = SubmissionOutcome.Temporary("temporary local problem (user database) - please try later");
                if (request.Mode == SubmissionMode.Smtp)
                {
                    await ReplyAsync(client, peer, $"421 {main.PrimaryHostname} {outcome.Text}\r\n").ConfigureAwait(false);
                    return;
                }
            }
            else if (request.Mode == SubmissionMode.Smtp)
            {
                await LocalSmtpSession.RunAsync(generation, caller, client, _spoolFor(generation), DeliverNow(generation, request), _policiesFor(generation),
                        _logger, _stop.Token)
                    .ConfigureAwait(false);
                return;
            }
            else
            {
                var stream = new IdleTimeoutStream(new NetworkStream(client, ownsSocket: false), main.SmtpReceiveTimeout, _stop.Token);
                await using (stream.ConfigureAwait(false))
                {
                    outcome = await ReceiveAsync(caller, generation, request, SubmissionBody.Reader(stream), _policiesFor(generation)).ConfigureAwait(false);
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
        {
            Failed(_logger, peer.Uid, e.Message);
            return; // the client is gone or silent: it never got a 250, and the message was abandoned
        }
        await ReplyAsync(client, peer, outcome.Line + "\n").ConfigureAwait(false);
    }

    /// <summary>Sends a reply, waiting at most <see cref="HeaderDeadline"/> for a client that does not read.</summary>
    private async Task ReplyAsync(Socket client, PeerCredentials peer, string line)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        deadline.CancelAfter(HeaderDeadline);
        try
        {
            await client.SendAsync(Encoding.UTF8.GetBytes(line), SocketFlags.None, deadline.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
        {
            Failed(_logger, peer.Uid, e.Message); // a spooled message stays and is delivered: as Exim when its caller dies
        }
    }

    private bool TryEnter(int uid)
    {
        lock (_lock)
        {
            var now = _perUid.GetValueOrDefault(uid);
            if (now >= MaxPerUser) return false;
            _perUid[uid] = now + 1;
            return true;
        }
    }

    private void Leave(int uid)
    {
        lock (_lock)
        {
            if (--_perUid[uid] == 0) _perUid.Remove(uid);
        }
    }

    private static string Uid(PeerCredentials peer) => peer.Uid.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// For -bs: how each message of the session is delivered. -odq queues it silently; otherwise the daemon's immediate
    /// delivery takes it (-odi too: a session cannot wait for each delivery), unless queue_only says otherwise (as for
    /// any SMTP session).
    /// </summary>
    private Func<MessageRef, string?>? DeliverNow(Generation generation, SubmissionRequest request)
    {
        if (request.Delivery == SubmissionDelivery.QueueOnly) return static _ => null;
        return generation.Config.Routers.IsEmpty ? null : _delivery.Enqueue;
    }

    private async Task<SubmissionOutcome> ReceiveAsync(LocalCaller caller, Generation generation, SubmissionRequest request, Stream body, PolicyServices? policies)
    {
        var main = generation.Config.Main;
        var reception = new LocalReception(main, EximVersion.Number, _spoolFor(generation), TimeProvider.System, _logger)
        {
            NotSmtp = LocalConnection.NotSmtp(generation, policies, _logger, _stop.Token),
        };
        var outcome = await reception.ReceiveAsync(caller, request, body, _stop.Token).ConfigureAwait(false);
        if (outcome.Message is not { } message || outcome.HoldDelivery || generation.Config.Routers.IsEmpty) return outcome;
        switch (request.Delivery)
        {
            case SubmissionDelivery.Interactive:
                // Through the immediate-delivery workers, so -odi counts against immediate_delivery_max.
                if (_delivery.EnqueueAndWait(message, out var full) is { } attempt) await attempt.WaitAsync(_stop.Token).ConfigureAwait(false);
                else NoImmediateDelivery(_logger, message.Id, full!);
                break;
            case SubmissionDelivery.Background:
            case SubmissionDelivery.Default when !main.QueueOnly:
                if (_delivery.Enqueue(message) is { } why) NoImmediateDelivery(_logger, message.Id, why);
                break;
        }
        return outcome;
    }

    /// <summary>
    /// The peer as Exim's originator, its trust judged by the roles resolved once per generation; null (logged) when a
    /// trusted user or group named in the configuration no longer resolves (NSS down, an account removed): a temporary
    /// failure, not a crash.
    /// </summary>
    private LocalCaller? CallerFor(PeerCredentials peer, Generation generation)
    {
        OperatorRoles roles;
        try
        {
            lock (_lock)
            {
                if (_roles is not { } cached || cached.Generation != generation.Number)
                {
                    _roles = (generation.Number, OperatorRoles.From(generation.Config.Main, generation.Loaded.AtMainOption));
                }
                roles = _roles.Value.Roles;
            }
        }
        catch (Exim.Abstractions.Config.EximConfigException e)
        {
            RolesFailed(_logger, peer.Uid, e.Diagnostic.Message);
            return null;
        }
        return LocalCallers.Of(peer, roles);
    }

    /// <summary>
    /// The request's lines up to its blank line, or null when too long or cut short. Reads in blocks but never past the
    /// blank line: each block is peeked, and only the part up to the blank line taken, so the message (or, for -bs, the
    /// SMTP dialogue read from the socket itself) is left for what follows.
    /// </summary>
    internal static async Task<List<string>?> ReadRequestHeaderAsync(Socket socket, CancellationToken cancellationToken)
    {
        var header = new List<byte>(512);
        var buffer = new byte[4096];
        while (header.Count < SubmissionRequest.MaxHeaderBytes)
        {
            var peeked = await socket.ReceiveAsync(buffer.AsMemory(0, Math.Min(buffer.Length, SubmissionRequest.MaxHeaderBytes - header.Count)),
                SocketFlags.Peek, cancellationToken).ConfigureAwait(false);
            if (peeked == 0) return null;
            var (take, ended) = (peeked, false);
            for (var i = 0; i < peeked && !ended; i++)
            {
                var previous = i > 0 ? buffer[i - 1] : header.Count > 0 ? header[^1] : (byte)0;
                if (buffer[i] == (byte)'\n' && previous == (byte)'\n') (take, ended) = (i + 1, true);
            }
            for (var got = 0; got < take;)
            {
                var read = await socket.ReceiveAsync(buffer.AsMemory(got, take - got), SocketFlags.None, cancellationToken).ConfigureAwait(false);
                if (read == 0) return null;
                got += read;
            }
            header.AddRange(buffer.AsSpan(0, take));
            if (ended)
            {
                var text = Encoding.UTF8.GetString([.. header]);
                return [.. text[..^2].Split('\n')];
            }
        }
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        await _accepting.ConfigureAwait(false);
        for (var i = 0; i < 100 && Volatile.Read(ref _running) > 0; i++) await Task.Delay(50).ConfigureAwait(false);
        if (!SubmissionSocket.IsAbstract(_name))
        {
            try { File.Delete(_name); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
        _stop.Dispose();
    }

    [LoggerMessage(EventIds.SubmissionSocket, LogLevel.Critical, "cannot listen for local submissions on {Name}: {Error}; sendmail and exim -bm of users who may not write the spool will fail")]
    private static partial void BindFailed(ILogger logger, string name, string error);

    [LoggerMessage(EventIds.SubmissionSocket, LogLevel.Warning, "accept on the submission socket {Name} failed: {Error}")]
    private static partial void AcceptFailed(ILogger logger, string name, string error);

    [LoggerMessage(EventIds.SubmissionRefused, LogLevel.Warning, "local submission from uid {Uid} refused: {Reason}")]
    private static partial void Refused(ILogger logger, string uid, string reason);

    [LoggerMessage(EventIds.SubmissionFailed, LogLevel.Information, "local submission from uid {Uid} ended early: {Error}")]
    private static partial void Failed(ILogger logger, int uid, string error);

    [LoggerMessage(EventIds.SubmissionFailed, LogLevel.Error, "local submission failed")]
    private static partial void Crashed(ILogger logger, Exception exception);

    [LoggerMessage(EventIds.SubmissionFailed, LogLevel.Error, "local submission from uid {Uid} deferred: the trusted users and groups cannot be resolved: {Error}")]
    private static partial void RolesFailed(ILogger logger, int uid, string error);

    [LoggerMessage(EventIds.SubmissionFailed, LogLevel.Information, "{Id} no immediate delivery: {Reason}")]
    private static partial void NoImmediateDelivery(ILogger logger, string id, string reason);
}
