using System.Text;
using Exim.Host.Log;
using Exim.TestKit;

namespace Exim.Host.Tests.Log;

public sealed class EximLogSinkTests
{
    [Fact]
    public async Task Write_EightWritersLikeEightProcessesOnOneFile_KeepEveryLineWhole()
    {
        // Eight sinks open the file independently, as the daemon and runner processes do; before O_APPEND most runs lost lines.
        using var dir = new TempDirectory("exim-log");
        var paths = new LogPaths(dir.Combine("mainlog"), dir.Combine("paniclog"), dir.Combine("rejectlog"));
        const int writers = 8, lines = 3000;
        var sinks = Enumerable.Range(0, writers).Select(_ => new EximLogSink(debugToStderr: false)).ToList();
        foreach (var sink in sinks) sink.UsePaths(paths);

        await Task.WhenAll(sinks.Select((sink, w) => Task.Run(async () =>
        {
            for (var i = 0; i < lines; i++)
            {
                // One append per line, as a process logging one event at a time makes them.
                sink.Write(LogTarget.Main, $"writer {w} line {i} " + new string('x', 40));
                await sink.FlushAsync().WaitAsync(TestTimeouts.Default);
            }
            await sink.FlushAsync().WaitAsync(TestTimeouts.Default);
        })));
        foreach (var sink in sinks) await sink.DisposeAsync().AsTask().WaitAsync(TestTimeouts.Default);

        var written = File.ReadAllLines(paths.Main);
        Assert.Equal(writers * lines, written.Length);
        var pattern = new System.Text.RegularExpressions.Regex(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d writer (\d) line (\d+) x{40}$");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in written)
        {
            var m = pattern.Match(line);
            Assert.True(m.Success, $"mangled line: {line}");
            Assert.True(seen.Add(m.Groups[1].Value + ":" + m.Groups[2].Value), $"duplicate line: {line}");
        }
    }

    [Fact]
    public async Task Write_ControlCharactersAndRawBytes_OneLineWithEximEscapesAndTheBytesAsSent()
    {
        using var dir = new TempDirectory("exim-log");
        var paths = new LogPaths(dir.Combine("mainlog"), dir.Combine("paniclog"), dir.Combine("rejectlog"));
        await using (var sink = new EximLogSink(debugToStderr: false))
        {
            sink.UsePaths(paths);
            // A forged line after a CR, a NUL, an escape, DEL, a line separator, NEL; then a raw 0xE9 carried as U+DCE9 and a real é.
            sink.Write(LogTarget.Main, "H=(a\r2026-01-01 00:00:00 1abc <= forged\0\x1b\x7f\u2028\u0085) \uDCE9 caf\u00e9");
            sink.Write(LogTarget.Main, "first\nsecond");
            await sink.FlushAsync().WaitAsync(TestTimeouts.Default);
        }

        var bytes = File.ReadAllBytes(paths.Main);
        var text = Encoding.Latin1.GetString(bytes);
        var lines = text.Split('\n');
        Assert.Equal(4, lines.Length); // three lines and the empty rest after the last newline
        Assert.EndsWith(@"H=(a\r2026-01-01 00:00:00 1abc <= forged\000\033\177\342\200\250\302\205) " + "\u00e9 caf\u00c3\u00a9", lines[0], StringComparison.Ordinal);
        Assert.EndsWith(" first", lines[1], StringComparison.Ordinal);
        Assert.Equal("  second", lines[2]);
    }
}
