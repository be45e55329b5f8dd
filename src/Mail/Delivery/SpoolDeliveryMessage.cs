using System.Buffers;
using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Exim.Abstractions.Transports;
using Exim.Mail.Spool;
using Exim.Mail.Transports.Smtp;

namespace Exim.Mail.Delivery;

/// <summary>
/// A spooled message as one transport run writes it (<see cref="IDeliveryMessage"/> over <see cref="MessageContent"/>).
/// The transport asks for the form it needs (CRLF, dot-stuffing, the headers it adds by default); the transport's
/// generic options (<c>return_path_add</c>, <c>envelope_to_add</c>, <c>delivery_date_add</c>) then add or remove the
/// optional headers: <paramref name="add"/> is forced on, <paramref name="remove"/> forced off. The added headers come
/// first, in Exim's order and forms (transport.c): <c>Return-path: &lt;sender&gt;</c>, <c>Envelope-to:</c> with the run's
/// original addresses joined by <c>",\n "</c>, <c>Delivery-date:</c> with the local time in RFC 5322 form.
/// </summary>
internal sealed class SpoolDeliveryMessage(MessageContent content, ImmutableArray<string> envelopeTo, TimeProvider time,
    MessageWriteOptions add = MessageWriteOptions.None, MessageWriteOptions remove = MessageWriteOptions.None) : IDeliveryMessage
{
    private const int ChunkSize = 64 * 1024;
    private const MessageWriteOptions Added = MessageWriteOptions.ReturnPath | MessageWriteOptions.EnvelopeTo | MessageWriteOptions.DeliveryDate;

    public string Id => content.Id;
    public string Sender => content.Sender;
    public DateTimeOffset Received => content.Header.Received;
    public long Size => content.HeaderBytes().Length + content.BodyLength;

    public ImmutableArray<string> Headers => SpoolHeaderFile.Visible(content.Header.Headers);

    /// <summary>The core's message behind <paramref name="message"/>: only the core makes the messages transports are given.</summary>
    public static SpoolDeliveryMessage Of(IDeliveryMessage message)
        => message as SpoolDeliveryMessage ?? throw new ArgumentException($"the built-in transports deliver the core's spooled messages, not a {message?.GetType().Name}", nameof(message));

    /// <summary>The spooled message underneath, for the built-in transports.</summary>
    public MessageContent Content => content;

    /// <summary>What <paramref name="requested"/> becomes once the transport's generic options have had their say.</summary>
    public MessageWriteOptions Effective(MessageWriteOptions requested) => (requested | (add & Added)) & ~(remove & Added);

    public async Task WriteToAsync(Stream destination, MessageWriteOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        options = Effective(options);
        var stuffer = new DotStuffer(crlf: options.HasFlag(MessageWriteOptions.CrLf), stuff: options.HasFlag(MessageWriteOptions.DotStuff));
        var output = ArrayPool<byte>.Shared.Rent(DotStuffer.MaxOutput(ChunkSize));
        try
        {
            var head = Encoding.Latin1.GetBytes(AddedHeaders(options));
            await WriteAsync(head).ConfigureAwait(false);
            await WriteAsync(content.HeaderBytes()).ConfigureAwait(false);
            await WriteAsync("\n"u8.ToArray()).ConfigureAwait(false);
            await content.ReadBodyAsync((chunk, ct) =>
            {
                var n = stuffer.Convert(chunk.Span, output);
                return destination.WriteAsync(output.AsMemory(0, n), ct);
            }, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(output);
        }

        async Task WriteAsync(byte[] bytes)
        {
            for (var offset = 0; offset < bytes.Length; offset += ChunkSize)
            {
                var n = stuffer.Convert(bytes.AsSpan(offset, Math.Min(ChunkSize, bytes.Length - offset)), output);
                await destination.WriteAsync(output.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private string AddedHeaders(MessageWriteOptions options)
    {
        var sb = new StringBuilder();
        if (options.HasFlag(MessageWriteOptions.ReturnPath)) sb.Append("Return-path: <").Append(Sender).Append(">\n");
        if (options.HasFlag(MessageWriteOptions.EnvelopeTo)) sb.Append("Envelope-to: ").AppendJoin(",\n ", envelopeTo.Distinct(StringComparer.Ordinal)).Append('\n');
        if (options.HasFlag(MessageWriteOptions.DeliveryDate)) sb.Append("Delivery-date: ").Append(DateStamp(time.GetLocalNow())).Append('\n');
        return sb.ToString();
    }

    /// <summary>Exim's tod_full: <c>Mon, 30 Nov 2026 14:02:11 +0100</c>.</summary>
    public static string DateStamp(DateTimeOffset now)
    {
        var offset = now.Offset;
        var sign = offset < TimeSpan.Zero ? '-' : '+';
        offset = offset.Duration();
        return now.ToString("ddd, dd MMM yyyy HH:mm:ss ", CultureInfo.InvariantCulture)
            + string.Create(CultureInfo.InvariantCulture, $"{sign}{offset.Hours:00}{offset.Minutes:00}");
    }
}
