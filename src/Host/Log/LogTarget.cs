namespace Exim.Host.Log;

/// <summary>Which of Exim's log files a line goes to.</summary>
[Flags]
internal enum LogTarget : byte
{
    None = 0,
    Main = 1,
    Panic = 2,
    Reject = 4,
}
