namespace Exim.Abstractions.Config;

/// <summary>The <c>[hooks]</c> table: C# scripts run by the daemon, compiled once per generation.</summary>
public sealed record HooksConfig
{
    /// <summary>Script run for each connection after the built-in limits and the reverse lookup, before the banner; returns a Verdict.</summary>
    [EximOption("accept", Kind = OptionKind.Path)] public string? Accept { get; init; }

    /// <summary>Script run when a session, a delivery or a queue runner ends.</summary>
    [EximOption("child_exit", Kind = OptionKind.Path)] public string? ChildExit { get; init; }

    /// <summary>Time budget of one invocation; a script that exceeds it (or throws) defers the connection with 421.</summary>
    [EximOption("timeout")] public TimeSpan Timeout { get; init; } = TimeSpan.FromMilliseconds(100);
}
