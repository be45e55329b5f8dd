using System.Net.Sockets;
using System.Text;
using Exim.Host.Generations;
using Exim.Host.Log;
using Exim.Host.Security;
using Exim.Mail.Native;
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
/// sent once the message is durable, and with <c>-odi</c> once its delivery attempt has ended. At most
/// <see cref="MaxConcurrent"/> submissions are read at once (others wait in the listen backlog); each read waits at most
/// smtp_receive_timeout, and message_size_limit applies as for SMTP.
/// </summary>
internal sealed partial class SubmissionServer : IAsyncDisposable
{
    public const int MaxConcurrent = 32;

    private readonly Socket _listener;
    private readonly string _name;
    private readonly GenerationStore _store;
    private readonly Func<Generation, FileSpool> _spoolFor;
    private readonly Delivery.ImmediateDelivery _delivery;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _slots = new(MaxConcurrent);
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _rolesLock = new();
    private (long Generation, OperatorRoles Roles)? _roles;
    private Task _accepting = Task.CompletedTask;
    private int _running;

    private SubmissionServer(Socket listener, string name, GenerationStore store, Func<Generation, FileSpool> spoolFor,
        Delivery.ImmediateDelivery delivery, ILogger logger)
    {
        (_listener, _name, _store, _spoolFor, _delivery, _logger) = (listener, name, store, spoolFor, delivery, logger);
    }

    /// <summary>
    /// Binds the socket named by the current generation's submission_socket (a path is made mode 0666; a stale socket
    /// file no daemon answers on is replaced); null, logged, when it cannot be bound: the daemon runs on without it.
    /// </summary>
    public static SubmissionServer? Start(GenerationStore store, Func<Generation, FileSpool> spoolFor, Delivery.ImmediateDelivery delivery, ILogger logger)
    {
        var name = SubmissionSocket.Name(store.Current.Config.Main);
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            if (!SubmissionSocket.IsAbstract(name)) RemoveStale(name);
            socket.Bind(SubmissionSocket.EndPoint(name));
            if (!SubmissionSocket.IsAbstract(name))
            {
                File.SetUnixFileMode(name, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite
                    | UnixFileMode.OtherRead | UnixFileMode.OtherWrite);
            }
            socket.Listen(128);
        }
        catch (Exception e) when (e is SocketException or IOException or UnauthorizedAccessException)
        {
            socket.Dispose();
            BindFailed(logger, name, e.Message);
            return null;
        }
        var server = new SubmissionServer(socket, name, store, spoolFor, delivery, logger);
        server._accepting = Task.Run(server.AcceptLoopAsync);
        return server;
    }

    /// <summary>A socket file left by a daemon that is gone: removed. One a live daemon answers on is left alone (the bind then fails).</summary>
    private static void RemoveStale(string path)
    {
        if (!File.Exists(path)) return;
        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(path));
        }
        catch (SocketException)
        {
            File.Delete(path);
        }
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
        using var lease = _store.Acquire();
        var generation = lease.Generation;
        var main = generation.Config.Main;
        var stream = new IdleTimeoutStream(new NetworkStream(client, ownsSocket: false), main.SmtpReceiveTimeout, _stop.Token);
        await using (stream.ConfigureAwait(false))
        {
            SubmissionOutcome outcome;
            try
            {
                var lines = await ReadRequestHeaderAsync(stream).ConfigureAwait(false);
                string? error = "request header too long or cut short";
                if (lines is null || !SubmissionRequest.TryParse(lines, out var request, out error))
                {
                    Refused(_logger, peer.Uid.ToString(System.Globalization.CultureInfo.InvariantCulture), error);
                    outcome = SubmissionOutcome.Refused("malformed submission request");
                }
                else if (request.Mode == SubmissionMode.Smtp)
                {
                    await LocalSmtpSession.RunAsync(generation, CallerFor(peer, generation), client, _spoolFor(generation), DeliverNow(generation, request), _logger, _stop.Token)
                        .ConfigureAwait(false);
                    return;
                }
                else
                {
                    outcome = await ReceiveAsync(peer, generation, request, stream).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
            {
                Failed(_logger, peer.Uid, e.Message);
                return; // the client is gone or silent: it never got a 250, and the message was abandoned
            }
            try
            {
                await stream.WriteAsync(Encoding.UTF8.GetBytes(outcome.Line + "\n")).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
            {
                Failed(_logger, peer.Uid, e.Message); // the message stays spooled and is delivered: as Exim when its caller dies
            }
        }
    }

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

    private async Task<SubmissionOutcome> ReceiveAsync(PeerCredentials peer, Generation generation, SubmissionRequest request, Stream stream)
    {
        var main = generation.Config.Main;
        var caller = CallerFor(peer, generation);
        var reception = new LocalReception(main, EximVersion.Number, _spoolFor(generation), TimeProvider.System, _logger);
        var outcome = await reception.ReceiveAsync(caller, request, stream, _stop.Token).ConfigureAwait(false);
        if (outcome.Message is not { } message) return outcome;
        switch (request.Delivery)
        {
            case SubmissionDelivery.Interactive:
                await _delivery.DeliverAsync(message).ConfigureAwait(false);
                break;
            case SubmissionDelivery.Background:
            case SubmissionDelivery.Default when !main.QueueOnly:
                if (!generation.Config.Routers.IsEmpty && _delivery.Enqueue(message) is { } why) NoImmediateDelivery(_logger, message.Id, why);
                break;
        }
        return outcome;
    }

    /// <summary>The peer as Exim's originator: login, uid, gid, gecos name and whether it is trusted.</summary>
    private LocalCaller CallerFor(PeerCredentials peer, Generation generation)
    {
        var identity = CallerIdentity.Of(peer);
        OperatorRoles roles;
        lock (_rolesLock)
        {
            if (_roles is not { } cached || cached.Generation != generation.Number)
            {
                _roles = (generation.Number, OperatorRoles.From(generation.Config.Main, generation.Loaded.AtMainOption));
            }
            roles = _roles.Value.Roles;
        }
        var gecos = UnixAccount.Find(peer.Uid)?.Gecos ?? "";
        return new LocalCaller(identity.UserName, peer.Uid, peer.Gid, LocalCaller.NameFromGecos(gecos, identity.UserName), roles.IsTrusted(identity));
    }

    /// <summary>The request's lines up to its blank line, read a byte at a time so nothing of the message is taken; null when too long or cut short.</summary>
    internal static async Task<List<string>?> ReadRequestHeaderAsync(Stream stream)
    {
        var lines = new List<string>();
        var line = new List<byte>(128);
        var total = 0;
        var one = new byte[1];
        while (total++ < SubmissionRequest.MaxHeaderBytes)
        {
            if (await stream.ReadAsync(one).ConfigureAwait(false) == 0) return null;
            if (one[0] != (byte)'\n')
            {
                line.Add(one[0]);
                continue;
            }
            if (line.Count == 0) return lines;
            lines.Add(Encoding.UTF8.GetString([.. line]));
            line.Clear();
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

    [LoggerMessage(EventIds.SubmissionSocket, LogLevel.Error, "cannot listen for local submissions on {Name}: {Error}; sendmail and exim -bm of users who may not write the spool will fail")]
    private static partial void BindFailed(ILogger logger, string name, string error);

    [LoggerMessage(EventIds.SubmissionSocket, LogLevel.Warning, "accept on the submission socket {Name} failed: {Error}")]
    private static partial void AcceptFailed(ILogger logger, string name, string error);

    [LoggerMessage(EventIds.SubmissionRefused, LogLevel.Warning, "local submission from uid {Uid} refused: {Reason}")]
    private static partial void Refused(ILogger logger, string uid, string reason);

    [LoggerMessage(EventIds.SubmissionFailed, LogLevel.Information, "local submission from uid {Uid} ended early: {Error}")]
    private static partial void Failed(ILogger logger, int uid, string error);

    [LoggerMessage(EventIds.SubmissionFailed, LogLevel.Error, "local submission failed")]
    private static partial void Crashed(ILogger logger, Exception exception);

    [LoggerMessage(EventIds.SubmissionFailed, LogLevel.Information, "{Id} no immediate delivery: {Reason}")]
    private static partial void NoImmediateDelivery(ILogger logger, string id, string reason);
}
