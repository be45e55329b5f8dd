namespace Exim.TestKit;

/// <summary>Every wait in the tests is bounded by one of these.</summary>
public static class TestTimeouts
{
    /// <summary>For anything that should happen promptly (a reply, a log line, a reload).</summary>
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(20);

    /// <summary>For a process to start and publish its first generation.</summary>
    public static readonly TimeSpan Startup = TimeSpan.FromSeconds(30);
}
