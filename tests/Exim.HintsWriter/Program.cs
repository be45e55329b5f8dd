using System.Globalization;
using Exim.Abstractions.Hints;
using Exim.Abstractions.Policy;
using Exim.Mail.Hints;
using Exim.Mail.Policy;
using Microsoft.Extensions.Logging;

// Exim.HintsWriter <spool directory> <count>: prints "ready", waits for a line on stdin (so several writers start together),
// then makes <count> increments of the "test" database's "counter" record and <count>
// strict rate limit checks of the key "shared", on the core's SQLite store, as fast as it can. Anything the store logs
// goes to stderr; it ends with "done <start ticks> <end ticks>" and exit code 0 when every call returned.
if (args.Length != 2 || !int.TryParse(args[1], CultureInfo.InvariantCulture, out var count))
{
    await Console.Error.WriteLineAsync("usage: Exim.HintsWriter <spool directory> <count>");
    return 2;
}
using var store = new SqliteHintsStore(args[0], new StderrLogger());
var limiter = new HintsRateLimiter(store, TimeProvider.System);
var request = new RateLimitRequest("shared", 1e9, TimeSpan.FromHours(1)) { Mode = RateLimitMode.Strict };
Console.WriteLine("ready");
await Console.In.ReadLineAsync();
var started = DateTime.UtcNow.Ticks;
for (var i = 0; i < count; i++)
{
    await store.UpdateAsync("test", "counter", current =>
        (HintsChange.Write(((current is null ? 0 : int.Parse(current.Value, CultureInfo.InvariantCulture)) + 1).ToString(CultureInfo.InvariantCulture)), 0),
        CancellationToken.None);
    await limiter.CheckAsync(request, CancellationToken.None);
}
Console.WriteLine($"done {started} {DateTime.UtcNow.Ticks}"); // when it wrote, so a test can see the writers overlapped
return 0;

internal sealed class StderrLogger : ILogger
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        => Console.Error.WriteLine(formatter(state, exception));
}
