namespace Exim.Plugins.Daemon;

/// <summary>Whether a client is in host_reject_connection and in smtp_reserve_hosts.</summary>
internal readonly record struct ListMatches(bool Reject, bool Reserve);
