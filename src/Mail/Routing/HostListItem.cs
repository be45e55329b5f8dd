namespace Exim.Mail.Routing;

/// <summary>
/// One item of an explicit host list (spec §2.9): a name or IP literal, an optional port, whether only its MX records
/// are wanted (<c>name/MX</c>), and its randomisation group (items separated by <c>+</c> form groups).
/// </summary>
internal sealed record HostListItem(string Name, int? Port, bool MxOnly, int Group);
