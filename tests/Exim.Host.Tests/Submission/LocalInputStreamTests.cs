using System.Text;
using Exim.Mail.Submission;

namespace Exim.Host.Tests.Submission;

/// <summary>Exim's end of a non-SMTP message: a line holding a single dot, unless -i/-oi; else the end of input.</summary>
public sealed class LocalInputStreamTests
{
    private static async Task<string> ReadAsync(string input, bool dotEnds, int chunk)
    {
        using var inner = new ChunkedStream(Encoding.Latin1.GetBytes(input), chunk);
        using var stream = new LocalInputStream(inner, dotEnds);
        using var output = new MemoryStream();
        await stream.CopyToAsync(output).WaitAsync(TimeSpan.FromSeconds(10));
        return Encoding.Latin1.GetString(output.ToArray());
    }

    [Theory]
    [InlineData("a\n.\nb\n", "a\n")]
    [InlineData("a\r\n.\r\nb\r\n", "a\r\n")]
    [InlineData(".\nb\n", "")]
    [InlineData("a\n..\nb\n", "a\n..\nb\n")]
    [InlineData("a\n.x\n.", "a\n.x\n.")]
    [InlineData("a\n.\r", "a\n.\r")]
    [InlineData("a.\nb\n", "a.\nb\n")]
    [InlineData("a\n.\rx\n", "a\n.\rx\n")]
    public async Task ALoneDotLine_EndsTheMessage_WhateverTheReadSizes(string input, string expected)
    {
        foreach (var chunk in (int[])[1, 2, 3, 7, 4096])
        {
            Assert.Equal(expected, await ReadAsync(input, dotEnds: true, chunk));
            Assert.Equal(input, await ReadAsync(input, dotEnds: false, chunk));
        }
    }

    /// <summary>Returns at most <c>chunk</c> bytes per read, as a pipe may.</summary>
    private sealed class ChunkedStream(byte[] data, int chunk) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, chunk));
        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(buffer.Length, chunk)]);
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
            => base.ReadAsync(buffer[..Math.Min(buffer.Length, chunk)], cancellationToken);
    }
}
