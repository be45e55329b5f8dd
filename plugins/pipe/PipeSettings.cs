using System.Collections.Immutable;
using Exim.Abstractions.Transports;

namespace Exim.Plugins.Pipe;

/// <summary>One pipe transport's options, checked.</summary>
internal sealed record PipeSettings
{
    /// <summary><c>command</c>: run for recipients that are not <c>|command</c> addresses (and for all with <c>force_command</c>).</summary>
    public string? Command { get; init; }
    public bool ForceCommand { get; init; }
    public bool UseShell { get; init; }
    public ImmutableArray<string> Path { get; init; } = ["/bin", "/usr/bin"];

    /// <summary><c>temp_errors</c>: exit codes that defer; null for Exim's <c>*</c> (every non-zero code defers).</summary>
    public ImmutableArray<int>? TempErrors { get; init; } = [75, 73];
    public TimeSpan Timeout { get; init; } = TimeSpan.FromHours(1);
    public bool TimeoutDefer { get; init; }
    public bool IgnoreStatus { get; init; }
    public int MaxOutput { get; init; } = 20480;
    public MessageWriteOptions WriteOptions { get; init; }

    /// <summary><c>message_prefix</c>: null for Exim's default, the mbox <c>From </c> line.</summary>
    public string? MessagePrefix { get; init; }
    public string MessageSuffix { get; init; } = "\n";
    public ImmutableArray<string> Environment { get; init; } = [];
}
