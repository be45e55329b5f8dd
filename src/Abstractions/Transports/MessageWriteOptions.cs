namespace Exim.Abstractions.Transports;

/// <summary>How <see cref="IDeliveryMessage.WriteToAsync"/> writes a message (Exim's generic transport options).</summary>
[Flags]
public enum MessageWriteOptions
{
    /// <summary>Headers and body as spooled, LF line ends.</summary>
    None = 0,

    /// <summary>CRLF line ends (SMTP, LMTP).</summary>
    CrLf = 1,

    /// <summary>A leading <c>.</c> doubled on each line (SMTP's and LMTP's DATA); the terminating <c>.</c> line is not written.</summary>
    DotStuff = 2,

    /// <summary>A <c>Return-path: &lt;sender&gt;</c> header first (<c>return_path_add</c>).</summary>
    ReturnPath = 4,

    /// <summary>An <c>Envelope-to:</c> header with the run's recipients (<c>envelope_to_add</c>).</summary>
    EnvelopeTo = 8,

    /// <summary>A <c>Delivery-date:</c> header (<c>delivery_date_add</c>).</summary>
    DeliveryDate = 16,
}
