using Exim.Abstractions.Config;
using Exim.Host.Generations;
using Exim.Host.Security;
using Exim.Mail.Native;
using Microsoft.Extensions.Logging;

namespace Exim.Host.Control;

/// <summary>
/// The daemon's control socket, composed in one place: the requests' <see cref="DaemonControl"/>, and the
/// <see cref="ControlServer"/> started once the first generation is published (the listeners are bound by then), as Exim
/// creates its notifier socket: not with <c>-oX</c> unless <c>-oP</c> is given too, none when notifier_socket is empty.
/// </summary>
internal sealed class ControlSocketHost(DaemonControl control, ILogger logger) : IAsyncDisposable
{
    private ControlServer? _server;

    public DaemonControl Control => control;

    public void Start(Generation first)
    {
        if (_server is not null || ControlSocketPath.For(first.Config.Main) is not { } path) return;
        int eximUid;
        try
        {
            eximUid = OperatorRoles.From(first.Config.Main, first.Loaded.AtMainOption).EximUid ?? Posix.EffectiveUid;
        }
        catch (EximConfigException e)
        {
            ControlLog.SocketFailed(logger, "exim_user", e.Message);
            return;
        }
        _server = ControlServer.TryStart(path, new ControlAccess(eximUid), control, logger);
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync().ConfigureAwait(false);
    }
}
