using Exim.Abstractions.Config;

namespace Exim.Host.Cli.Commands;

internal static class ConfigErrors
{
    /// <summary>Prints every diagnostic as <c>file:line:column: message</c>, as Exim prints configuration errors, and returns exit code 1.</summary>
    public static int Print(IEnumerable<ConfigDiagnostic> errors, TextWriter error)
    {
        foreach (var d in errors) error.WriteLine($"exim: configuration error: {d}");
        return 1;
    }
}
