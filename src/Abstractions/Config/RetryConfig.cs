namespace Exim.Abstractions.Config;

/// <summary>One <c>[[retry]]</c> table: Exim's retry rule for matching hosts or addresses.</summary>
internal sealed record RetryConfig
{
    /// <summary>Host or address pattern; <c>*</c> matches everything.</summary>
    [EximOption("pattern")] public string Pattern { get; init; } = "*";

    /// <summary>The error this rule applies to; <c>*</c> means any.</summary>
    [EximOption("error")] public string Error { get; init; } = "*";

    /// <summary>Exim's rule list, e.g. <c>F,2h,15m; G,16h,1h,1.5; F,4d,6h</c>.</summary>
    [EximOption("rules")] public string Rules { get; init; } = "F,2h,15m; G,16h,1h,1.5; F,4d,6h";
}
