using Exim.Abstractions.Transports;

namespace Exim.Plugins.Appendfile;

/// <summary>How one delivery went, as a value: delivered, or deferred or failed with Exim's message and error number.</summary>
internal sealed record Attempt(RecipientOutcomeKind Kind, string? Message = null, int Errno = 0, bool Freeze = false)
{
    /// <summary>Exim's negative error numbers (macros.h) that appendfile gives.</summary>
    public const int ExistRace = -3, NotRegular = -4, BadOwner = -6, BadMode = -7, InodeChanged = -8, LockFailed = -9, NotAbsolute = -21, EximQuota = -22, BadCreate = -34;

    public static readonly Attempt Delivered = new(RecipientOutcomeKind.Delivered);

    public static Attempt Defer(string message, int errno, bool freeze = false) => new(RecipientOutcomeKind.Deferred, message, errno, freeze);

    public static Attempt Fail(string message, int errno) => new(RecipientOutcomeKind.Failed, message, errno);

    /// <summary>A failed system call: its errno (Exim shows its text before the message).</summary>
    public static Attempt Defer(string message, Exception e) => Defer(message, ErrnoOf(e));

    /// <summary>The errno of a failed call: ours carry it; .NET's IOException carries it as its HResult on Unix.</summary>
    public static int ErrnoOf(Exception e) => e switch
    {
        NativeException n => n.Errno,
        UnauthorizedAccessException => Native.Eacces,
        IOException { HResult: > 0 and < 4096 } io => io.HResult,
        _ => -1,
    };

    public RecipientOutcome For(string address) => new(address, Kind, Message) { Errno = Errno, Freeze = Freeze };
}
