using System.Text;
using BenchmarkDotNet.Attributes;
using Exim.Mail.Smtp.Protocol;
using Exim.Mail.Text;

namespace Exim.Benchmarks;

/// <summary>The session's per-command and per-byte work: parsing a command line (no allocation), decoding DATA, and log text for plain input (no allocation).</summary>
[MemoryDiagnoser]
public class SmtpParserBenchmarks
{
    private readonly byte[] _command = "RCPT TO:<someone@example.org>"u8.ToArray();
    private readonly string _plain = "MAIL FROM:<someone@example.org> SIZE=12345";
    private byte[] _data = [];
    private byte[] _output = [];

    [GlobalSetup]
    public void Setup()
    {
        var sb = new StringBuilder();
        sb.Append("Subject: bench\r\nFrom: a@example.org\r\n\r\n");
        for (var i = 0; i < 200; i++) sb.Append("a line of body text, about seventy characters long, for the DATA reader\r\n");
        _data = Encoding.ASCII.GetBytes(sb.Append(".\r\n").ToString());
        _output = new byte[DataDecoder.MaxOutput(_data.Length)];
    }

    [Benchmark]
    public int ParseCommand() => (int)SmtpCommandParser.Parse(_command).Verb;

    [Benchmark]
    public int DecodeData()
    {
        new DataDecoder().Decode(_data, _output, out _, out var written);
        return written;
    }

    [Benchmark]
    public int PlainLogText() => ClientText.Printing(_plain).Length;
}
