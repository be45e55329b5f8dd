using Exim.Host.Log;
using Microsoft.Extensions.Logging;

namespace Exim.Host.Control;

internal static partial class ControlLog
{
    [LoggerMessage(EventIds.ControlSocket, LogLevel.Critical, "daemon_notifier_socket {Where}: {Error}")]
    public static partial void SocketFailed(ILogger logger, string where, string error);

    [LoggerMessage(EventIds.ControlRefused, LogLevel.Warning, "control socket: connection from pid {Pid} uid {Uid} gid {Gid} refused: not root or the Exim user")]
    public static partial void Refused(ILogger logger, int pid, int uid, int gid);

    [LoggerMessage(EventIds.ControlRequest, LogLevel.Warning, "control socket: {Reason}: connection from pid {Pid} uid {Uid} closed")]
    public static partial void BadRequest(ILogger logger, string reason, int pid, int uid);

    [LoggerMessage(EventIds.ControlRequest, LogLevel.Information, "control socket: {Request} requested by pid {Pid} uid {Uid}")]
    public static partial void Requested(ILogger logger, string request, int pid, int uid);

    [LoggerMessage(EventIds.ControlRequest, LogLevel.Information, "notify triggered queue run: {Arguments} (control socket, pid {Pid} uid {Uid})")]
    public static partial void QueueRunTriggered(ILogger logger, string arguments, int pid, int uid);

    [LoggerMessage(EventIds.ControlRequest, LogLevel.Information, "pid {Pid}: drain requested over the control socket by pid {Peer} uid {Uid}: daemon shutting down")]
    public static partial void Drain(ILogger logger, int pid, int peer, int uid);

    [LoggerMessage(EventIds.ControlRequest, LogLevel.Information, "accepting {What} over the control socket by pid {Peer} uid {Uid}")]
    public static partial void Accepting(ILogger logger, string what, int peer, int uid);

    [LoggerMessage(EventIds.ControlRequest, LogLevel.Error, "control socket: request failed")]
    public static partial void RequestFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventIds.ControlRequest, LogLevel.Debug, "control socket: connection ended: {Error}")]
    public static partial void ConnectionEnded(ILogger logger, string error);

    [LoggerMessage(EventIds.ControlRequest, LogLevel.Warning, "control socket: delivery report from a registered process dropped: {Reason}")]
    public static partial void BadReport(ILogger logger, string reason);
}
