namespace Exim.Abstractions.Config;

/// <summary>One configuration error, with the place it was found when there is one.</summary>
/// <param name="File">The file, as given on the command line or in the configuration.</param>
/// <param name="Line">1-based line, or 0 when unknown.</param>
/// <param name="Column">1-based column, or 0 when unknown.</param>
/// <param name="Message">What is wrong.</param>
/// <param name="CompilerStyle">Render as a C# compiler does (<c>file(line,col): error CS0103: ...</c>), for scripts.</param>
public sealed record ConfigDiagnostic(string File, int Line, int Column, string Message, bool CompilerStyle = false)
{
    /// <summary>Renders <c>file:line:column: message</c> (or <c>file(line,column): message</c> for scripts), or <c>file: message</c> without a position.</summary>
    public override string ToString() => (Line > 0, CompilerStyle) switch
    {
        (false, _) => $"{File}: {Message}",
        (true, false) => $"{File}:{Line}:{Column}: {Message}",
        (true, true) => $"{File}({Line},{Column}): {Message}",
    };
}
