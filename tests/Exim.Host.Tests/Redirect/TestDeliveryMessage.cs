using System.Collections.Immutable;
using System.Text;
using Exim.Abstractions.Transports;

namespace Exim.Host.Tests.Redirect;

/// <summary>A message as a transport reads it, for calling a transport directly (the daemon tests use the spool's).</summary>
internal sealed class TestDeliveryMessage(string sender, string body) : IDeliveryMessage
{
    public string Id => "1tEsTs-000001-AB";
    public string Sender => sender;
    public DateTimeOffset Received => DateTimeOffset.UnixEpoch;
    public long Size => Encoding.UTF8.GetByteCount(Text(MessageWriteOptions.None));
    public ImmutableArray<string> Headers => ["Subject: pipe test\n", "From: <" + sender + ">\n"];

    public async Task WriteToAsync(Stream destination, MessageWriteOptions options, CancellationToken cancellationToken)
        => await destination.WriteAsync(Encoding.UTF8.GetBytes(Text(options)), cancellationToken);

    private string Text(MessageWriteOptions options)
    {
        var text = ((options & MessageWriteOptions.ReturnPath) != 0 ? $"Return-path: <{sender}>\n" : "") + string.Concat(Headers) + "\n" + body;
        return (options & MessageWriteOptions.CrLf) != 0 ? text.Replace("\n", "\r\n", StringComparison.Ordinal) : text;
    }
}
