using System.Text;
using Exim.Mail.Smtp;
using Exim.TestKit;

namespace Exim.Host.Tests.Smtp;

public sealed class MessageReceiverTests
{
    /// <summary>Feeds <paramref name="chunks"/> (spool form) to a receiver; its headers, the -D body and the receiver.</summary>
    private static async Task<(List<string> Headers, string Body, MessageReceiver Receiver)> ReceiveAsync(long limit, params string[] chunks)
    {
        using var dir = new TempDirectory("exim-receiver");
        var path = dir.Combine("data");
        MessageReceiver receiver;
        await using (var file = new FileStream(path, FileMode.CreateNew))
        {
            receiver = new MessageReceiver(file, limit);
            foreach (var chunk in chunks) receiver.Add(Encoding.Latin1.GetBytes(chunk));
            if (!receiver.TooBig) await receiver.FinishAsync();
        }
        return (receiver.Headers, File.ReadAllText(path, Encoding.Latin1), receiver);
    }

    [Fact]
    public async Task HeadersAndBody_AreSplitAtTheBlankLine_FoldedHeadersJoined_WhateverTheChunks()
    {
        const string message = "Subject: a\nX-Folded: one\n\ttwo\nMessage-ID: <m@x>\n\nbody\nSubject: not a header\n";
        var whole = await ReceiveAsync(0, message);
        var split = await ReceiveAsync(0, [.. message.Select(c => c.ToString())]);

        foreach (var (headers, body, receiver) in new[] { whole, split })
        {
            Assert.Equal(["Subject: a", "X-Folded: one\n\ttwo", "Message-ID: <m@x>"], headers);
            Assert.Equal("body\nSubject: not a header\n", body);
            Assert.Equal("m@x", receiver.MessageId);
            Assert.Equal((2, message.Length, 48L), (receiver.BodyLines, (int)receiver.Received, receiver.HeaderBytes));
            Assert.Equal(21, receiver.MaxLineLength);
        }
    }

    [Theory]
    [InlineData("no colon here\nSubject: x\n", "no colon here\nSubject: x\n")]
    [InlineData(" leading space\n", " leading space\n")]
    [InlineData(":colon first\n", ":colon first\n")]
    [InlineData("Bad Name: x\n", "Bad Name: x\n")]
    public async Task ALineThatIsNoHeader_StartsTheBody(string message, string body)
    {
        var (headers, stored, _) = await ReceiveAsync(0, message);
        Assert.Empty(headers);
        Assert.Equal(body, stored);
    }

    [Fact]
    public async Task AVeryLongLineWithoutAColon_IsBody_NotHeldInMemory()
    {
        var line = new string('a', 5000) + "\n";
        var (headers, body, _) = await ReceiveAsync(0, line[..3000], line[3000..]);
        Assert.Empty(headers);
        Assert.Equal(line, body);
    }

    [Fact]
    public async Task TooBig_KeepsTheHeadersReadBeforeTheLimit_AndStopsCounting()
    {
        var (headers, _, receiver) = await ReceiveAsync(30, "Subject: big\nTo: x@y\n\n" + new string('x', 100) + "\n", "more\n");

        Assert.True(receiver.TooBig);
        Assert.Equal(["Subject: big", "To: x@y"], headers);
        Assert.Equal(128, receiver.Received);
        Assert.Equal(31, receiver.ReadAtLimit);
    }
}
