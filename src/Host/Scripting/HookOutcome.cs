namespace Exim.Host.Scripting;

/// <summary>One hook invocation: its status, the script's value when it returned, the exception when it threw.</summary>
internal readonly record struct HookOutcome<T>(HookStatus Status, T? Value, Exception? Error);
