namespace Exim.Host.Cli;

/// <summary>What <c>-bp[r][u|a]</c> lists (<paramref name="Kind"/>) and whether in directory order (<paramref name="Unsorted"/>, -bpr).</summary>
internal sealed record QueueListing(QueueListKind Kind, bool Unsorted);
