namespace Exim.Host.Cli;

/// <summary>A command line, or the message and exit code for one that cannot run.</summary>
internal sealed record CommandLineParseResult(CommandLine? CommandLine, string? Error, int ExitCode);
