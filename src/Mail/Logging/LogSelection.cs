using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace Exim.Mail.Logging;

/// <summary>
/// Exim's log_selector resolved into a bit set, once per configuration: <c>+name</c> sets an item, <c>-name</c> clears it,
/// <c>+all</c> sets every item and <c>-all</c> clears every item, starting from Exim 4.96's defaults (globals.c's
/// log_default). Every name Exim 4.96 knows is accepted (its log_options table); the public bits below are those that
/// change a line here (README "Logs").
/// </summary>
internal readonly record struct LogSelection(ulong Bits)
{
    private static readonly string[] Names =
    [
        "8bitmime", "acl_warn_skipped", "address_rewrite", "all_parents", "arguments", "connection_reject", "delay_delivery",
        "deliver_time", "delivery_size", "dkim", "dkim_verbose", "dnslist_defer", "dnssec", "etrn", "host_lookup_failed",
        "ident_timeout", "incoming_interface", "incoming_port", "lost_incoming_connection", "millisec", "msg_id",
        "msg_id_created", "outgoing_interface", "outgoing_port", "pid", "pipelining", "protocol_detail", "proxy", "queue_run",
        "queue_time", "queue_time_exclusive", "queue_time_overall", "receive_time", "received_recipients", "received_sender",
        "rejected_header", "retry_defer", "return_path_on_delivery", "sender_on_delivery", "sender_verify_fail",
        "size_reject", "skip_delivery", "smtp_confirmation", "smtp_connection", "smtp_incomplete_transaction",
        "smtp_mailauth", "smtp_no_mail", "smtp_protocol_error", "smtp_syntax_error", "subject", "tls_certificate_verified",
        "tls_cipher", "tls_peerdn", "tls_resumption", "tls_sni", "unknown_in_list",
    ];

    private static readonly FrozenDictionary<string, int> BitOf = BuildIndex();

    public static readonly ulong Pid = Bit("pid");
    public static readonly ulong SmtpConnection = Bit("smtp_connection");
    public static readonly ulong SmtpSyntaxError = Bit("smtp_syntax_error");
    public static readonly ulong SmtpProtocolError = Bit("smtp_protocol_error");
    public static readonly ulong ReceivedRecipients = Bit("received_recipients");
    public static readonly ulong Subject = Bit("subject");
    public static readonly ulong TlsCipher = Bit("tls_cipher");
    public static readonly ulong TlsCertificateVerified = Bit("tls_certificate_verified");
    public static readonly ulong TlsPeerDn = Bit("tls_peerdn");
    public static readonly ulong SenderOnDelivery = Bit("sender_on_delivery");
    public static readonly ulong QueueTime = Bit("queue_time");
    public static readonly ulong DeliverySize = Bit("delivery_size");
    public static readonly ulong DeliverTime = Bit("deliver_time");
    public static readonly ulong TlsSni = Bit("tls_sni");
    public static readonly ulong MsgId = Bit("msg_id");
    public static readonly ulong SmtpConfirmation = Bit("smtp_confirmation");

    /// <summary>The items that change a line here (every public bit above); the other names are accepted and do nothing.</summary>
    private static readonly ulong Effective = Pid | SmtpConnection | SmtpSyntaxError | SmtpProtocolError | ReceivedRecipients | Subject
        | TlsCipher | TlsCertificateVerified | TlsPeerDn | SenderOnDelivery | QueueTime | DeliverySize | DeliverTime | TlsSni | MsgId
        | SmtpConfirmation;

    /// <summary>Exim 4.96's defaults (globals.c log_default).</summary>
    public static LogSelection Default { get; } = new(BitsOf(
        "acl_warn_skipped", "connection_reject", "delay_delivery", "dkim", "dnslist_defer", "etrn", "host_lookup_failed",
        "lost_incoming_connection", "outgoing_interface", "msg_id", "queue_run", "queue_time_exclusive", "rejected_header",
        "retry_defer", "sender_verify_fail", "size_reject", "skip_delivery", "smtp_confirmation", "tls_certificate_verified",
        "tls_cipher"));

    public bool Has(ulong item) => (Bits & item) != 0;

    /// <summary>The configuration's selection (already checked when the generation was built: a bad one never gets here).</summary>
    public static LogSelection Of(Abstractions.Config.MainOptions main) => TryParse(main.LogSelector, out var selection, out _) ? selection : Default;

    /// <summary>
    /// The items <paramref name="text"/> names (with their sign) that change nothing here: accepted so that an Exim
    /// configuration loads unchanged, and reported once per generation so that nobody relies on them unawares.
    /// </summary>
    public static IReadOnlyList<string> WithoutEffect(string text)
    {
        var found = new List<string>();
        foreach (var item in text.Split([' ', '\t', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries))
        {
            var name = item.TrimStart('+', '-');
            if (name == "rejected_headers") name = "rejected_header";
            if (BitOf.TryGetValue(name, out var bit) && (Effective & (1UL << bit)) == 0) found.Add(item);
        }
        return found;
    }

    /// <summary>Exim's decode_bits over <paramref name="text"/>, from the defaults; the error is Exim's text.</summary>
    public static bool TryParse(string text, out LogSelection selection, [NotNullWhen(false)] out string? error)
    {
        var bits = Default.Bits;
        selection = Default;
        error = null;
        var s = text.AsSpan();
        while (true)
        {
            s = s.TrimStart();
            if (s.IsEmpty) break;
            if (s[0] is not ('+' or '-'))
            {
                error = $"malformed log_selector setting: + or - expected but found \"{s}\"";
                return false;
            }
            var adding = s[0] == '+';
            s = s[1..];
            var length = 0;
            while (length < s.Length && (char.IsAsciiLetterOrDigit(s[length]) || s[length] == '_')) length++;
            var name = s[..length].ToString();
            s = s[length..];
            if (name == "all")
            {
                bits = adding ? ulong.MaxValue >> (64 - Names.Length) : 0;
                continue;
            }
            var key = name == "rejected_headers" ? "rejected_header" : name;
            if (!BitOf.TryGetValue(key, out var bit))
            {
                error = $"unknown log_selector setting: {(adding ? '+' : '-')}{name}";
                return false;
            }
            bits = adding ? bits | (1UL << bit) : bits & ~(1UL << bit);
        }
        selection = new LogSelection(bits);
        return true;
    }

    private static FrozenDictionary<string, int> BuildIndex()
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < Names.Length; i++) index[Names[i]] = i;
        return index.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static ulong Bit(string name) => 1UL << BitOf[name];

    private static ulong BitsOf(params string[] names)
    {
        ulong bits = 0;
        foreach (var name in names) bits |= Bit(name);
        return bits;
    }
}
