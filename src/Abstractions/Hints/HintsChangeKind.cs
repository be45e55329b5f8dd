namespace Exim.Abstractions.Hints;

/// <summary>The kinds of <see cref="HintsChange"/>.</summary>
public enum HintsChangeKind
{
    /// <summary>Leave the record unchanged.</summary>
    Keep,

    /// <summary>Write a new value.</summary>
    Write,

    /// <summary>Remove the record.</summary>
    Delete,
}
