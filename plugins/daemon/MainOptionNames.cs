namespace Exim.Plugins.Daemon;

/// <summary>The main options this plugin reads through <see cref="Exim.Abstractions.Plugins.IMainOptionsView"/>, by Exim's names.</summary>
internal static class MainOptionNames
{
    public const string SmtpAcceptMax = "smtp_accept_max";
    public const string SmtpAcceptMaxPerHost = "smtp_accept_max_per_host";
    public const string SmtpAcceptReserve = "smtp_accept_reserve";
    public const string SmtpLoadReserve = "smtp_load_reserve";
    public const string SmtpAcceptQueue = "smtp_accept_queue";
    public const string SmtpReserveHosts = "smtp_reserve_hosts";
    public const string HostRejectConnection = "host_reject_connection";
    public const string SmtpActiveHostname = "smtp_active_hostname";
}
