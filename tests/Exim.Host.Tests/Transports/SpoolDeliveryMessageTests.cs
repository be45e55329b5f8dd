using System.Collections.Immutable;
using System.Text;
using Exim.Abstractions.Transports;
using Exim.Mail.Delivery;
using Exim.Mail.Spool;
using Exim.TestKit;
using Microsoft.Extensions.Time.Testing;

namespace Exim.Host.Tests.Transports;

/// <summary>
/// The message transports are given (<see cref="IDeliveryMessage"/> over the spool): the forms a transport asks for
/// (LF or CRLF, dot-stuffed or not) and the headers the generic transport options add or remove, in Exim's forms.
/// </summary>
public sealed class SpoolDeliveryMessageTests : IDisposable
{
    private const string Body = ".leading dot\nplain\n..two\nlast line without end";
    private readonly TempDirectory _dir = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 30, 14, 2, 11, TimeSpan.FromHours(1)));

    [Fact]
    public async Task None_WritesHeadersAndBodyAsSpooled_LeavingDeletedHeadersOut()
    {
        var text = await WriteAsync(MessageWriteOptions.None);

        Assert.Equal("Subject: hi\nTo: a@x.example\n\n" + Body, text);
    }

    [Fact]
    public async Task CrLfAndDotStuff_AsSmtpAndLmtpSendIt()
    {
        var text = await WriteAsync(MessageWriteOptions.CrLf | MessageWriteOptions.DotStuff);

        Assert.Equal("Subject: hi\r\nTo: a@x.example\r\n\r\n..leading dot\r\nplain\r\n...two\r\nlast line without end", text);
    }

    [Fact]
    public async Task GenericOptions_AddHeadersFirst_InEximsForms_AndRemoveWhatTheTransportAsked()
    {
        var text = await WriteAsync(MessageWriteOptions.ReturnPath, add: MessageWriteOptions.EnvelopeTo | MessageWriteOptions.DeliveryDate,
            remove: MessageWriteOptions.ReturnPath, recipients: ["a@x.example", "b@y.example", "a@x.example"]);

        Assert.StartsWith("Envelope-to: a@x.example,\n b@y.example\nDelivery-date: Mon, 30 Nov 2026 14:02:11 +0100\nSubject: hi\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReturnPath_IsTheSender()
    {
        var text = await WriteAsync(MessageWriteOptions.None, add: MessageWriteOptions.ReturnPath);

        Assert.StartsWith("Return-path: <s@z.example>\nSubject: hi\n", text, StringComparison.Ordinal);
    }

    private async Task<string> WriteAsync(MessageWriteOptions options, MessageWriteOptions add = MessageWriteOptions.None,
        MessageWriteOptions remove = MessageWriteOptions.None, ImmutableArray<string>? recipients = null)
    {
        var id = "1rAbCd-000123-Ef";
        var data = Path.Combine(_dir.Path, id + "-D");
        var first = id + "-D\n";
        await File.WriteAllBytesAsync(data, Encoding.Latin1.GetBytes(first + Body));
        var header = new SpoolHeader(id, "root", "s@z.example", _time.GetUtcNow(), 0, [], null, [], ["a@x.example"],
            [new SpoolHeaderLine(' ', "Subject: hi\n"), new SpoolHeaderLine(SpoolHeaderFile.Deleted, "Bcc: hidden@x.example\n"), new SpoolHeaderLine(' ', "To: a@x.example\n")]);
        using var handle = File.OpenHandle(data);
        var message = new SpoolDeliveryMessage(new MessageContent(header, handle, first.Length), recipients ?? ["a@x.example"], _time, add, remove);
        using var output = new MemoryStream();
        await message.WriteToAsync(output, options, CancellationToken.None).WaitAsync(TestTimeouts.Default);
        Assert.Equal(Encoding.Latin1.GetByteCount("Subject: hi\nTo: a@x.example\n") + Body.Length, message.Size);
        return Encoding.Latin1.GetString(output.ToArray());
    }

    public void Dispose() => _dir.Dispose();
}
