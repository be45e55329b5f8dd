using System.Diagnostics;
using Exim.Host.Tests.Smtp;

namespace Exim.Benchmarks;

/// <summary>
/// <c>smtp-fuzz [seconds]</c>: the long run of the SMTP fuzz properties (the suite runs them for about a second each).
/// A failure prints CsCheck's shrunk case and its seed; keep the case as a test in SmtpFuzzTests.
/// </summary>
internal static class SmtpFuzz
{
    public static int Run(int seconds)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            SmtpFuzzProperties.RunAll(seconds);
        }
        catch (Exception e)
        {
            Console.Error.WriteLine(e);
            return 1;
        }
        Console.WriteLine($"smtp-fuzz: 4 properties, {seconds}s each, no failure ({clock.Elapsed.TotalSeconds:F0}s)");
        return 0;
    }
}
