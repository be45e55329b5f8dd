namespace Exim.Mail.Transports;

/// <summary>The built-in transport drivers' names (<c>driver =</c> in <c>[[transports]]</c>), declared once.</summary>
internal static class TransportDriverNames
{
    /// <summary>Exim's smtp transport (remote).</summary>
    public const string Smtp = "smtp";

    /// <summary>Exim's appendfile in maildir mode (local).</summary>
    public const string Maildir = "maildir";
}
