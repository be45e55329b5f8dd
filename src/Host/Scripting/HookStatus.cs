namespace Exim.Host.Scripting;

/// <summary>How one hook invocation ended.</summary>
internal enum HookStatus
{
    /// <summary>The script returned.</summary>
    Completed,
    /// <summary>The script threw.</summary>
    Failed,
    /// <summary>The script ran past its time budget.</summary>
    TimedOut,
}
