namespace Exim.Abstractions.Queue;

/// <summary>The flags of a <c>-q</c> option, in Exim's order.</summary>
[Flags]
public enum QueueRunFlags
{
    /// <summary>A plain run.</summary>
    None = 0,
    /// <summary><c>-qq</c>: route everything first, then deliver.</summary>
    TwoStage = 1,
    /// <summary><c>-qi</c>: only messages never tried before.</summary>
    FirstDeliveryOnly = 2,
    /// <summary><c>-qf</c>: ignore retry times.</summary>
    Force = 4,
    /// <summary><c>-qff</c>: also thaw frozen messages.</summary>
    Thaw = 8,
    /// <summary><c>-ql</c>: local deliveries only.</summary>
    LocalOnly = 16,
}
