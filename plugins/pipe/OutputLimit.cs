using System.Diagnostics;

namespace Exim.Plugins.Pipe;

/// <summary>
/// Reads a command's output so that it never blocks on a full pipe, discarding it; past <c>max_output</c> bytes (both
/// streams together) the command and its children are killed, as Exim does.
/// </summary>
internal sealed class OutputLimit(int maxOutput, Process process)
{
    private long _total;

    public bool Exceeded { get; private set; }

    public async Task DrainAsync(Stream stream)
    {
        var buffer = new byte[4096];
        try
        {
            int n;
            while ((n = await stream.ReadAsync(buffer).ConfigureAwait(false)) > 0)
            {
                if (Interlocked.Add(ref _total, n) <= maxOutput || Exceeded) continue;
                Exceeded = true;
                try
                {
                    process.Kill(entireProcessTree: true);
                }
                catch (InvalidOperationException)
                {
                    // Already gone.
                }
            }
        }
        catch (IOException)
        {
            // The pipe broke as the command was killed.
        }
    }
}
