using System.Runtime.InteropServices;

namespace Exim.Host.Lifetime;

/// <summary>SIGHUP reloads; SIGTERM and SIGINT stop. The handlers only hand the work to the daemon.</summary>
internal sealed class SignalHandlers : IDisposable
{
    private readonly PosixSignalRegistration[] _registrations;

    public SignalHandlers(Action onHangup, Action<PosixSignal> onStop)
    {
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGHUP, c => { c.Cancel = true; onHangup(); }),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; onStop(c.Signal); }),
            PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; onStop(c.Signal); }),
        ];
    }

    public void Dispose()
    {
        foreach (var r in _registrations) r.Dispose();
    }
}
