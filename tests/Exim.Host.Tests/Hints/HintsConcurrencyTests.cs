using System.Diagnostics;
using Exim.Mail.Hints;
using Exim.TestKit;

namespace Exim.Host.Tests.Hints;

/// <summary>Two real processes writing one hints store at once (each its own SQLite connection and locks).</summary>
public sealed class HintsConcurrencyTests
{
    private const int PerProcess = 1500;

    private static string WriterDll => Path.Combine(RepoPaths.Root, "tests", "Exim.HintsWriter", "bin", RepoPaths.Configuration, "net10.0", "Exim.HintsWriter.dll");

    [Fact]
    public async Task TwoProcessesWritingAtOnce_LoseNoUpdate_AndLogNothing()
    {
        using var dir = new TempDirectory();
        using (var create = new SqliteHintsStore(dir.Path, new LinesLogger()))
        {
            await create.PutAsync("test", "created", "", CancellationToken.None); // both writers start on an existing file
        }

        var writers = new[] { Start(dir.Path), Start(dir.Path) };
        foreach (var p in writers) Assert.Equal("ready", await p.StandardOutput.ReadLineAsync().WaitAsync(TestTimeouts.Startup));
        foreach (var p in writers) await p.StandardInput.WriteLineAsync("go"); // both at once
        var results = await Task.WhenAll(writers.Select(async p =>
        {
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            await p.WaitForExitAsync().WaitAsync(TestTimeouts.Startup * 4);
            return (p.ExitCode, Stdout: await stdout, Stderr: await stderr);
        }));

        foreach (var (code, stdout, stderr) in results)
        {
            Assert.True(code == 0 && stderr.Length == 0, $"exit {code}\n{stdout}\n{stderr}");
            Assert.StartsWith("done ", stdout, StringComparison.Ordinal);
        }
        var spans = results.Select(r => r.Stdout.Split(' ')[1..].Select(long.Parse).ToArray()).ToList();
        Assert.True(spans.Max(s => s[0]) < spans.Min(s => s[1]), "the two writers did not run at the same time");
        using var store = new SqliteHintsStore(dir.Path, new LinesLogger());
        Assert.Equal((2 * PerProcess).ToString(), (await store.GetAsync("test", "counter", CancellationToken.None))?.Value);
        // Each strict check adds close to 1 (a few seconds decay by exp(-t/1h)): a lost update would cost a whole event.
        var rate = double.Parse((await store.GetAsync("ratelimit", "1h/per_mail/shared", CancellationToken.None))!.Value.Split(' ')[2]);
        Assert.InRange(rate, 2 * PerProcess * 0.99, 2 * PerProcess + 0.01);
    }

    private static Process Start(string spool)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in (string[])[WriterDll, spool, PerProcess.ToString()]) psi.ArgumentList.Add(a);
        return Process.Start(psi) ?? throw new InvalidOperationException("cannot start the hints writer");
    }
}
