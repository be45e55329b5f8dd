using System.Collections.Immutable;

namespace Exim.Plugins.Redirect;

/// <summary>One redirect router's options, checked.</summary>
internal sealed record RedirectSettings
{
    /// <summary>Exim's default modemask, 022 in octal.</summary>
    public const uint Octal022 = 0x12;

    public required RedirectSource Source { get; init; }

    /// <summary>The list (<c>data</c>) or the path, with <c>$local_part</c>, <c>$domain</c> and <c>$home</c> still in it.</summary>
    public required string Value { get; init; }

    public bool AllowFail { get; init; }
    public bool AllowDefer { get; init; }
    public bool ForbidBlackhole { get; init; }
    public bool ForbidInclude { get; init; }
    public bool ForbidFile { get; init; }
    public bool ForbidPipe { get; init; }
    public bool CheckAncestor { get; init; }
    public bool QualifyPreserveDomain { get; init; }
    public string? QualifyDomain { get; init; }
    public string? IncludeDirectory { get; init; }
    public string? FileTransport { get; init; }
    public string? DirectoryTransport { get; init; }
    public string? PipeTransport { get; init; }
    public bool CheckLocalUser { get; init; }
    public bool CheckOwner { get; init; }
    public ImmutableArray<uint> Owners { get; init; } = [];
    public uint ModeMask { get; init; } = Octal022;
}
