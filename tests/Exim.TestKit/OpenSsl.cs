using System.Diagnostics;

namespace Exim.TestKit;

/// <summary>Runs Debian's <c>openssl s_client</c>, a real TLS client, against a test daemon.</summary>
public static class OpenSsl
{
    /// <summary>
    /// <c>openssl s_client -connect 127.0.0.1:port</c> with <paramref name="args"/> (e.g. <c>-starttls smtp</c>,
    /// <c>-servername</c>), sending <paramref name="input"/> (CR LF line ends) once connected. End of input does not end
    /// the session (<c>-ign_eof</c>, and <c>-nocommands</c> so a line starting with Q, R or k is sent as it is): the
    /// server closing the connection does, so <paramref name="input"/> should end with QUIT.
    /// </summary>
    public static async Task<(int ExitCode, string Output)> SClientAsync(int port, string input, params string[] args)
    {
        var psi = new ProcessStartInfo("openssl")
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var a in (string[])["s_client", "-connect", $"127.0.0.1:{port}", "-crlf", "-ign_eof", "-nocommands", .. args]) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("cannot start openssl (apt-get install openssl)");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        // s_client reads stdin only once connected; what waits in the pipe is read then, in order.
        await p.StandardInput.WriteAsync(input);
        p.StandardInput.Close();
        using var cts = new CancellationTokenSource(TestTimeouts.Default);
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill();
            throw new TimeoutException($"openssl s_client did not end within {TestTimeouts.Default.TotalSeconds}s (did the input end with QUIT?)");
        }
        return (p.ExitCode, await stdout + await stderr);
    }
}
