using System.Diagnostics;

namespace Exim.Host.Queue;

/// <summary>How to start this same exim again with other arguments (a queue runner), whether it runs as its own
/// executable or as <c>dotnet exim.dll</c>.</summary>
internal static class SelfInvocation
{
    public static ProcessStartInfo For(IEnumerable<string> arguments)
    {
        var processPath = Environment.ProcessPath ?? throw new InvalidOperationException("cannot tell which executable is running");
        var psi = new ProcessStartInfo(processPath) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(processPath).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            psi.ArgumentList.Add(typeof(SelfInvocation).Assembly.Location);
        }
        foreach (var argument in arguments) psi.ArgumentList.Add(argument);
        return psi;
    }
}
