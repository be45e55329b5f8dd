using System.Text;
using Exim.Abstractions.Matching;

namespace Exim.Mail.Smtp.Auth;

/// <summary>
/// Whether EHLO offers AUTH, and the line that does: with authenticators configured, to the hosts in
/// auth_advertise_hosts when it is set (in clear and under TLS alike, as in Exim), else to every host once the session
/// is encrypted. The mechanisms are the authenticators' public names, upper case, in configuration order (Exim's order).
/// </summary>
internal static class AuthAdvertisement
{
    /// <summary>Decides for this EHLO, records it in the session, and returns <c>250-AUTH ...</c> with its line end, or "".</summary>
    public static async ValueTask<string> LineAsync(SessionState session)
    {
        var settings = session.Settings;
        var offered = !settings.Authenticators.IsEmpty && (settings.Main.AuthAdvertiseHostsSet
            ? await session.MatchAsync(settings.AuthAdvertiseHosts).ConfigureAwait(false) == HostListMatch.Match
            : session.Connection.Description.Tls);
        session.AuthAdvertised = offered;
        if (!offered) return "";
        var line = new StringBuilder("250-AUTH");
        foreach (var authenticator in settings.Authenticators) line.Append(' ').Append(authenticator.PublicName);
        return line.Append("\r\n").ToString();
    }
}
