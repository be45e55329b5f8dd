namespace Exim.Abstractions.Hints;

/// <summary>What an <see cref="IHintsStore.UpdateAsync{TResult}"/> computation does to its record.</summary>
public readonly record struct HintsChange
{
    private HintsChange(HintsChangeKind kind, string? value) => (Kind, Value) = (kind, value);

    /// <summary>Leave the record as it is (or absent).</summary>
    public static HintsChange Keep => default;

    /// <summary>Remove the record.</summary>
    public static HintsChange Delete => new(HintsChangeKind.Delete, null);

    /// <summary>What is done.</summary>
    public HintsChangeKind Kind { get; }

    /// <summary>The data written, for <see cref="HintsChangeKind.Write"/>.</summary>
    public string? Value { get; }

    /// <summary>Write <paramref name="value"/>, stamped with the current time.</summary>
    /// <param name="value">The record's new data.</param>
    public static HintsChange Write(string value) => new(HintsChangeKind.Write, value ?? throw new ArgumentNullException(nameof(value)));
}
