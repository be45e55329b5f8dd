using System.Collections.Immutable;

namespace Exim.Abstractions.Transports;

/// <summary>A spooled message, as a transport reads it. Reads never share a position, so a transport may read it twice.</summary>
public interface IDeliveryMessage
{
    /// <summary>The message id (<c>1rAbCd-000123-Ef</c>).</summary>
    string Id { get; }

    /// <summary>The envelope sender; empty for a bounce.</summary>
    string Sender { get; }

    /// <summary>When the message was received.</summary>
    DateTimeOffset Received { get; }

    /// <summary>The message's size in bytes as it would be written with LF line ends (Exim's <c>$message_size</c>).</summary>
    long Size { get; }

    /// <summary>The headers to deliver (removed ones left out), each with its continuation lines, without line ends folded away.</summary>
    ImmutableArray<string> Headers { get; }

    /// <summary>
    /// Writes the message (headers, blank line, body) to <paramref name="destination"/> in the form
    /// <paramref name="options"/> asks for. Does not flush or close the destination.
    /// </summary>
    Task WriteToAsync(Stream destination, MessageWriteOptions options, CancellationToken cancellationToken);
}
