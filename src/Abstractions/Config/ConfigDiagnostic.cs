namespace Exim.Abstractions.Config;

/// <summary>One configuration error, with the place it was found when there is one.</summary>
/// <param name="File">The file, as given on the command line or in the configuration.</param>
/// <param name="Line">1-based line, or 0 when unknown.</param>
/// <param name="Column">1-based column, or 0 when unknown.</param>
/// <param name="Message">What is wrong.</param>
public sealed record ConfigDiagnostic(string File, int Line, int Column, string Message)
{
    /// <summary>Renders <c>file:line:column: message</c>, or <c>file: message</c> without a position.</summary>
    public override string ToString()
        => Line > 0 ? $"{File}:{Line}:{Column}: {Message}" : $"{File}: {Message}";
}
