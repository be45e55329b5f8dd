using Exim.Abstractions.Daemon;

namespace Exim.Mail.Smtp.Admission;

/// <summary>Gives the connection a slot when no limits step opened one (no daemon plugin's limits, e.g. in -bh without it).</summary>
internal sealed class OpenSlotStep : IAdmissionStep
{
    public static OpenSlotStep Instance { get; } = new();

    public Task<SessionResult> InvokeAsync(AdmissionContext connection, AdmissionDelegate next)
    {
        connection.Slot ??= connection.Slots.Open(connection.Client);
        return next(connection);
    }
}
