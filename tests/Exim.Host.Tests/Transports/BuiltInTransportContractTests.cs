using System.Text;
using Exim.Abstractions.Transports;
using Exim.Mail.Delivery;
using Exim.Mail.Spool;
using Exim.Mail.Transports.Maildir;
using Exim.TestKit;

namespace Exim.Host.Tests.Transports;

/// <summary>
/// The built-in transports through the public contract (<see cref="ITransport.DeliverAsync"/>), as a caller other than
/// the core's own delivery sees them: maildir delivers each recipient with the generic options applied, and reports
/// one outcome per recipient.
/// </summary>
public sealed class BuiltInTransportContractTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task Maildir_ThroughThePublicContract_DeliversEachRecipient_WithTheGenericHeaders()
    {
        var config = new Abstractions.Config.TransportConfig { Name = "local", Driver = "maildir", Directory = _dir.Combine("mail", "$local_part") };
        ITransport transport = new MaildirTransport(config, "mx.test.example", TimeProvider.System);
        var id = "1rAbCd-000123-Ef";
        var data = Path.Combine(_dir.Path, id + "-D");
        await File.WriteAllBytesAsync(data, Encoding.Latin1.GetBytes(id + "-D\nbody\n"));
        var header = new SpoolHeader(id, "root", "s@z.example", DateTimeOffset.UtcNow, 0, [], null, [], ["a@x.example", "\"..\"@x.example"],
            [new SpoolHeaderLine(' ', "Subject: hi\n")]);
        using var handle = File.OpenHandle(data);
        var message = new SpoolDeliveryMessage(new MessageContent(header, handle, id.Length + 3), ["a@x.example"], TimeProvider.System,
            add: MessageWriteOptions.EnvelopeTo);

        var result = await transport.DeliverAsync(new TransportRequest(message,
            [new DeliveryRecipient("a@x.example", "a", "x.example", null, "r"), new DeliveryRecipient("\"..\"@x.example", "..", "x.example", null, "r")], []),
            CancellationToken.None).AsTask().WaitAsync(TestTimeouts.Default);

        Assert.Equal([RecipientOutcomeKind.Delivered, RecipientOutcomeKind.Failed], result.Recipients.Select(o => o.Kind));
        Assert.Contains("cannot name a mailbox directory", result.Recipients[1].Message, StringComparison.Ordinal);
        var file = Assert.Single(Directory.GetFiles(_dir.Combine("mail", "a", "new")));
        Assert.Equal("Return-path: <s@z.example>\nEnvelope-to: a@x.example\nSubject: hi\n\nbody\n", await File.ReadAllTextAsync(file));
    }

    public void Dispose() => _dir.Dispose();
}
