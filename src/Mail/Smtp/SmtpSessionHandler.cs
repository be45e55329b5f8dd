using Exim.Abstractions.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Exim.Abstractions.Daemon;
using Exim.Abstractions.Matching;
using Exim.Mail.Smtp.Admission;
using Exim.Mail.Smtp.Policy;
using Exim.Mail.Smtp.Transport;
using Exim.Mail.Spool;
using Microsoft.Extensions.Logging;

namespace Exim.Mail.Smtp;

/// <summary>
/// The core's <see cref="ISmtpSessionHandler"/> for one generation: every accepted connection goes through the one
/// admission chain (the limits step the generation's plugins register, the connection's log line, the reverse lookup,
/// the connect-stage policies) and then the session, for <c>-bd</c> and <c>-bh</c> alike. Built once per generation from
/// its settings, the shared spool and slots, the name lookups (null without a DNS resolver), the stage policies and
/// their helpers (null without any) and immediate delivery (null: received messages only wait for a queue run).
/// </summary>
internal sealed class SmtpSessionHandler : ISmtpSessionHandler
{
    private readonly SmtpSettings _settings;
    private readonly FileSpool _spool;
    private readonly ISlotTable _slots;
    private readonly ISystemLoad _load;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Func<IHostNameLookups>? _lookups;
    private readonly Func<MessageRef, string?>? _deliverNow;
    private readonly SessionTracker? _tracker;
    private readonly PolicyServices? _policies;
    private readonly AdmissionDelegate _chain;

    public SmtpSessionHandler(SmtpSettings settings, FileSpool spool, ISlotTable slots, ISystemLoad load, TimeProvider time, ILogger logger,
        Func<IHostNameLookups>? lookups = null, IAdmissionStep? limits = null, PolicyServices? policies = null,
        Func<MessageRef, string?>? deliverNow = null, SessionTracker? tracker = null)
    {
        _settings = settings;
        _spool = spool;
        _slots = slots;
        _load = load;
        _time = time;
        _logger = logger;
        _lookups = lookups;
        _deliverNow = deliverNow;
        _tracker = tracker;
        _policies = policies;
        List<IAdmissionStep> steps = [];
        if (limits is not null) steps.Add(limits);
        steps.Add(OpenSlotStep.Instance);
        steps.Add(ConnectionLogStep.Instance);
        steps.Add(ReverseLookupStep.Instance);
        if (settings.Tls is not null && settings.TlsOnConnectPorts.Count > 0) steps.Add(TlsOnConnectStep.Instance);
        if (policies is not null) steps.Add(ConnectPolicyStep.Instance);
        _chain = AdmissionChain.Build(steps, RunSessionAsync);
    }

    public Task<SessionResult> RunAsync(Socket socket, CancellationToken shutdownToken)
    {
        var main = _settings.Main;
        try
        {
            socket.NoDelay = main.TcpNodelay;
            if (main.SmtpAcceptKeepalive) socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
        }
        catch (SocketException)
        {
            // Options on a connection that has already gone: the first read will say so.
        }
        IPEndPoint remote, local;
        try
        {
            remote = (IPEndPoint)socket.RemoteEndPoint!;
            local = (IPEndPoint)socket.LocalEndPoint!;
        }
        catch (SocketException)
        {
            socket.Dispose(); // reset before we could even look at it
            return Task.FromResult(new SessionResult(SessionOutcome.Dropped, 0));
        }
        return RunAsync(new SocketTransport(socket), remote, local, shutdownToken);
    }

    /// <summary>Runs a connection on <paramref name="transport"/> as if from <paramref name="remote"/> to <paramref name="local"/> (-bh fakes both).</summary>
    public Task<SessionResult> RunAsync(ISmtpTransport transport, IPEndPoint remote, IPEndPoint local, CancellationToken shutdownToken)
    {
        var connection = new ConnectionContext(transport, remote, local, _settings, _slots, _load, _lookups, _logger, shutdownToken, _time);
        if (_policies is not null) connection.Policy = new PolicySession(connection, _policies);
        return RunConnectionAsync(connection);
    }

    private async Task<SessionResult> RunConnectionAsync(ConnectionContext connection)
    {
        _tracker?.Enter();
        var result = new SessionResult(SessionOutcome.Error, 0);
        try
        {
            result = await _chain(connection).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // A step failed before the session could answer for itself: never a silent close.
            SmtpLog.SessionFailed(_logger, connection.Host, e);
            await connection.RefuseAsync("421 Temporary local problem - please try later").ConfigureAwait(false);
        }
        finally
        {
            try
            {
                if (connection.SessionStarted) EximMetrics.SessionEnded();
                connection.Slot?.Complete(result.Outcome, result.Messages);
                connection.Slot?.Dispose();
                if (connection.Transport is TlsTransport tls) await tls.CloseAsync().ConfigureAwait(false);
                connection.Transport.Shutdown();
                connection.Transport.Dispose();
            }
            finally
            {
                _tracker?.Exit();
            }
        }
        return result;
    }

    /// <summary>
    /// The end of the chain: the session, returned rather than awaited so no frame of this stays on the stack of a session
    /// that may idle for hours; <see cref="RunConnectionAsync"/> counts its end.
    /// </summary>
    private Task<SessionResult> RunSessionAsync(AdmissionContext admitted)
    {
        var connection = (ConnectionContext)admitted;
        EximMetrics.ConnectionAccepted();
        EximMetrics.SessionStarted();
        connection.SessionStarted = true;
        return SmtpSession.Create(connection, _spool, _time, _deliverNow).RunAsync();
    }
}
