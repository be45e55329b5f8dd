using System.Net;
using System.Text;

namespace Exim.Host.Listeners;

/// <summary>
/// The "listening for SMTP on ..." part of Exim's start-up line: <c> port 25 (IPv6 and IPv4)</c>,
/// <c> port 25 (IPv6 with IPv4)</c>, <c> port 25 (IPv6)</c>, <c> port 25 (IPv4)</c>, <c> [192.0.2.1]:25</c>, and one
/// address on several ports as <c> [192.0.2.1]:{25,26}</c>; at most 10 items, then <c> ...</c>. Ports in
/// tls_on_connect_ports are listed apart, as Exim's daemon.c lists them: <c>SMTP on ... and for SMTPS on ...</c>.
/// </summary>
internal static class ListenerDescription
{
    /// <param name="listeners">The bound listeners.</param>
    /// <param name="smtps">The TLS-on-connect ports, or null.</param>
    public static string Describe(IReadOnlyList<Listener> listeners, IReadOnlySet<int>? smtps = null)
    {
        if (smtps is null || smtps.Count == 0) return "SMTP on" + Items(listeners);
        var plain = listeners.Where(l => !smtps.Contains(l.EndPoint.Port)).ToList();
        var tls = listeners.Where(l => smtps.Contains(l.EndPoint.Port)).ToList();
        if (tls.Count == 0) return "SMTP on" + Items(plain);
        return plain.Count == 0 ? "SMTPS on" + Items(tls) : $"SMTP on{Items(plain)} and for SMTPS on{Items(tls)}";
    }

    private static string Items(IReadOnlyList<Listener> listeners)
    {
        var items = new List<string>();
        var done = new HashSet<int>();
        for (var i = 0; i < listeners.Count; i++)
        {
            if (done.Contains(i)) continue;
            var l = listeners[i];
            var port = l.EndPoint.Port;
            if (l.Spec.Address.Equals(IPAddress.IPv6Any))
            {
                var pair = i + 1 < listeners.Count && listeners[i + 1].Spec.Address.Equals(IPAddress.Any) && listeners[i + 1].Spec.Port == l.Spec.Port;
                if (pair) done.Add(i + 1);
                items.Add(pair ? $" port {port} (IPv6 and IPv4)" : l.IncludesIPv4 ? $" port {port} (IPv6 with IPv4)" : $" port {port} (IPv6)");
            }
            else if (l.Spec.Address.Equals(IPAddress.Any))
            {
                items.Add($" port {port} (IPv4)");
            }
            else
            {
                var ports = new List<int> { port };
                for (var j = i + 1; j < listeners.Count; j++)
                {
                    if (!listeners[j].Spec.Address.Equals(l.Spec.Address)) continue;
                    ports.Add(listeners[j].EndPoint.Port);
                    done.Add(j);
                }
                items.Add(ports.Count == 1 ? $" [{l.Spec.Address}]:{port}" : $" [{l.Spec.Address}]:{{{string.Join(',', ports)}}}");
            }
        }
        var sb = new StringBuilder();
        foreach (var item in items.Take(10)) sb.Append(item);
        if (items.Count > 10) sb.Append(" ...");
        return sb.ToString();
    }
}
