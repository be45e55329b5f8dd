namespace Exim.TestKit;

/// <summary>Debian 12's eximstats (see <see cref="Exim4Base"/>).</summary>
public static class Eximstats
{
    /// <summary>Runs eximstats over <paramref name="logPath"/> with <paramref name="options"/>; returns its text report.</summary>
    public static async Task<string> RunAsync(string logPath, params string[] options)
    {
        var (code, output, error) = await Exim4Base.RunAsync("eximstats", [.. options, logPath]);
        if (code != 0) throw new InvalidOperationException($"eximstats exited with {code}: {error}");
        return output;
    }
}
