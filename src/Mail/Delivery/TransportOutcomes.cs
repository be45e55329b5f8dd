using Exim.Abstractions.Routing;
using Exim.Abstractions.Transports;
using Exim.Mail.Resolution;
using Exim.Mail.Retry;

namespace Exim.Mail.Delivery;

/// <summary>
/// Between the public transport contract (<see cref="RecipientOutcome"/>, <see cref="RoutedHost"/>) and the core's own
/// values (<see cref="RecipientResult"/>, <see cref="HostItem"/>).
/// </summary>
internal static class TransportOutcomes
{
    public static HostItem HostItemOf(RoutedHost host) => new(host.Name, host.Address, host.Mx, Port: host.Port == 0 ? null : host.Port);

    public static RoutedHost RoutedHostOf(HostItem host) => new(host.Name, host.Address, host.Port ?? 0, host.Mx);

    /// <summary>A built-in transport's run, as the public contract reports it (host retry results are the core's own).</summary>
    public static TransportResult ToPublic(TransportRunResult run) => new([.. run.Recipients.Select(ToOutcome)]);

    public static RecipientOutcome ToOutcome(RecipientResult r) => new(r.Address, r.Status switch
    {
        RecipientStatus.Delivered => RecipientOutcomeKind.Delivered,
        RecipientStatus.Deferred => RecipientOutcomeKind.Deferred,
        _ => RecipientOutcomeKind.Failed,
    }, r.Message)
    {
        Host = r.Host is { } h ? RoutedHostOf(h) : null,
        Confirmation = r.Confirmation,
        Tls = r.Tls,
        RetryKey = r.RetryKey,
        Freeze = r.Freeze,
        Errno = r.Errno,
    };

    /// <summary>
    /// A transport's outcome as the core records it: a deferral is retried under the address's key unless the transport
    /// named another, and its errno gives the error name retry rules match (<c>rcpt_4xx</c>, <c>refused</c>, ...).
    /// </summary>
    public static RecipientResult FromOutcome(RecipientOutcome o, bool additional)
    {
        var status = o.Kind switch
        {
            RecipientOutcomeKind.Delivered => RecipientStatus.Delivered,
            RecipientOutcomeKind.Deferred => RecipientStatus.Deferred,
            _ => RecipientStatus.Failed,
        };
        var deferred = status == RecipientStatus.Deferred;
        return new RecipientResult(o.Address, status, o.Message, o.Errno, o.Host is { } h ? HostItemOf(h) : null, o.Confirmation,
            RetryKey: deferred ? o.RetryKey ?? RetryKeys.Address(o.Address) : null, ErrorName: ErrorName(o.Errno), Freeze: deferred && o.Freeze,
            Additional: additional && status == RecipientStatus.Delivered, Tls: o.Tls);
    }

    /// <summary>The retry rules' error name for an errno (Exim's retry.c names).</summary>
    private static string ErrorName(int errno) => errno switch
    {
        Errno.Rcpt4xx => "rcpt_4xx",
        Errno.Mail4xx => "mail_4xx",
        Errno.Data4xx => "data_4xx",
        Errno.ConnectionRefused => "refused",
        Errno.ConnectionTimedOut => "timeout",
        _ => "*",
    };
}
