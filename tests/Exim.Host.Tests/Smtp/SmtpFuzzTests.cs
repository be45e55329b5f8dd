using System.Text;

namespace Exim.Host.Tests.Smtp;

/// <summary>A bounded run of <see cref="SmtpFuzzProperties"/> (about a second each), and every case fuzzing has found, kept as a plain test.</summary>
public sealed class SmtpFuzzTests
{
    private const int Seconds = 1;

    [Fact]
    public void DataReader_EndsExactlyAtTheFirstCrLfDotCrLf_WhateverTheSplit() => SmtpFuzzProperties.DataEndsExactlyAtFirstCrLfDotCrLf(time: Seconds);

    [Fact]
    public void DataReader_UndoesTheTransportsDotStuffing() => SmtpFuzzProperties.UnstuffingUndoesStuffing(time: Seconds);

    [Fact]
    public void CommandParser_NeverThrows_AndItsLogTextIsPrintable() => SmtpFuzzProperties.CommandParserIsTotalAndLogTextIsPrintable(time: Seconds);

    [Fact]
    public void LogText_EncodesBackToTheClientsBytes() => SmtpFuzzProperties.LogTextEncodesBackToTheClientBytes(time: Seconds);

    // Cases the properties once found, or that sit at their edges, kept as regression tests.
    [Theory]
    [InlineData(".\r\n", 3)]
    [InlineData("\r\n.\r\n", 5)]
    [InlineData("\r\r\n.\r\n", 6)]
    [InlineData("\n\r\n.\r\n", 6)]
    [InlineData(".\r.\r\n", 5)]
    [InlineData("\r\n.\n.\r\n", 7)]
    [InlineData("\r\n.\r\r\n.\r\n", 9)]
    [InlineData("a\r\n.\r", 5)]
    [InlineData("a\n.\n", 4)]
    public void DataReader_EdgeCases(string wire, int end)
    {
        var bytes = Encoding.Latin1.GetBytes(wire);
        Assert.Equal(end, SmtpFuzzProperties.ExpectedEnd(bytes));
        for (var size = 1; size <= bytes.Length; size++)
        {
            Assert.Equal(end, SmtpFuzzProperties.DecodeInChunks(bytes, [size]).Consumed);
        }
    }
}
