namespace Exim.Abstractions.Hints;

/// <summary>The strategy key under which a plugin may register its own <see cref="IHintsStore"/>.</summary>
public static class HintsStoreKeys
{
    /// <summary>
    /// <c>"hints"</c>: an <see cref="IHintsStore"/> registered under this key replaces the core's SQLite store for the
    /// generation that registered it (every database: retry, ratelimit and any other).
    /// </summary>
    public const string Store = "hints";
}
