using Exim.Mail.Routing;
using Exim.Mail.Transports.Smtp;

namespace Exim.Mail.Delivery;

/// <summary>
/// What a delivering process lends the built-in smtp transport: host lookups through the process's host cache, and the
/// process's pool of open connections (null: every connection is closed with QUIT after its delivery).
/// </summary>
internal sealed record DeliveryServices(HostListResolver HostResolver, SmtpConnectionPool? Pool);
