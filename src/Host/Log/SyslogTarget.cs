using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Exim.Mail.Text;

namespace Exim.Host.Log;

/// <summary>
/// Log lines to the local syslog socket (a Unix datagram socket, <c>/dev/log</c>) as glibc's syslog(3) sends them
/// after Exim's <c>openlog(syslog_processname, LOG_PID|LOG_CONS, syslog_facility)</c>: RFC 3164's
/// <c>&lt;PRI&gt;Mmm dd hh:mm:ss exim[pid]: </c> then the line as the main log has it (Exim's syslog_timestamp default keeps
/// its own time stamp). Main-log lines go at LOG_INFO, reject-log lines at LOG_NOTICE and panic-log lines at LOG_ALERT
/// (log.c). A line longer than 870 bytes, or holding newlines, is split as Exim's write_syslog splits it:
/// <c>[1\3] ...</c>, <c>[2/3] ...</c>.
/// </summary>
internal sealed record SyslogTarget(string SocketPath, int Facility, string ProcessName)
{
    public const int Mail = 2;
    public const int Info = 6;
    public const int Notice = 5;
    public const int Alert = 1;
    private const int MaxLength = 870; // log.c's MAX_SYSLOG_LEN

    private static readonly (string Name, int Code)[] Facilities =
    [
        ("kern", 0), ("user", 1), ("mail", 2), ("daemon", 3), ("auth", 4), ("syslog", 5), ("lpr", 6), ("news", 7),
        ("uucp", 8), ("cron", 9), ("authpriv", 10), ("ftp", 11), ("local0", 16), ("local1", 17), ("local2", 18),
        ("local3", 19), ("local4", 20), ("local5", 21), ("local6", 22), ("local7", 23),
    ];

    /// <summary>The facility's number for a name syslog.conf uses (<c>mail</c>, <c>local0</c>...), or null.</summary>
    public static int? FacilityCode(string name)
    {
        foreach (var (n, code) in Facilities)
        {
            if (string.Equals(n, name.Trim(), StringComparison.OrdinalIgnoreCase)) return code;
        }
        return null;
    }

    /// <summary>Sends one log line (without its final newline, time stamp included) at <paramref name="severity"/> on <paramref name="socket"/> (a Unix datagram socket).</summary>
    /// <exception cref="SocketException">No syslog daemon listens on the socket.</exception>
    public void Send(Socket socket, int severity, string line, DateTime now)
    {
        var header = string.Create(CultureInfo.InvariantCulture,
            $"<{Facility * 8 + severity}>{now.ToString("MMM", CultureInfo.InvariantCulture)} {now.Day,2} {now:HH:mm:ss} {ProcessName}[{Environment.ProcessId}]: ");
        foreach (var part in Split(line))
        {
            var bytes = new byte[Encoding.ASCII.GetByteCount(header) + ClientText.GetMaxByteCount(part.Length)];
            var n = Encoding.ASCII.GetBytes(header, bytes);
            n += ClientText.GetBytes(part, bytes.AsSpan(n));
            socket.SendTo(bytes.AsSpan(0, n), SocketFlags.None, new UnixDomainSocketEndPoint(SocketPath));
        }
    }

    /// <summary>Exim's write_syslog: pieces of at most 870 characters, split at newlines too, numbered when more than one.</summary>
    public static List<string> Split(string line)
    {
        var pieces = new List<(string Text, bool AtNewline)>();
        var rest = line.AsSpan();
        while (rest.Length > 0)
        {
            var nl = rest.IndexOf('\n');
            var length = nl >= 0 ? nl : rest.Length;
            if (length > MaxLength) length = MaxLength;
            var atNewline = length < rest.Length && rest[length] == '\n';
            pieces.Add((rest[..length].ToString(), atNewline));
            rest = rest[length..];
            if (atNewline) rest = rest[1..];
        }
        if (pieces.Count <= 1) return [.. pieces.Select(p => p.Text)];
        var result = new List<string>(pieces.Count);
        for (var i = 0; i < pieces.Count; i++)
        {
            var more = i < pieces.Count - 1;
            result.Add($"[{i + 1}{(pieces[i].AtNewline && more ? '\\' : '/')}{pieces.Count}] {pieces[i].Text}");
        }
        return result;
    }
}
