using Exim.Abstractions.Scripting;

namespace Exim.Host.Scripting;

/// <summary>A kind of hook: its <c>[hooks]</c> key, the globals its scripts see and what they return.</summary>
internal sealed record ScriptKind(string Name, Type GlobalsType, Type ReturnType)
{
    public static ScriptKind Accept { get; } = new("accept", typeof(AcceptGlobals), typeof(Verdict));

    public static ScriptKind ChildExit { get; } = new("child_exit", typeof(ChildExitGlobals), typeof(object));

    /// <summary>The SMTP stage scripts (helo, mail, rcpt, predata, data): one globals type for all, so one file can serve several.</summary>
    public static ScriptKind Stage { get; } = new("stage", typeof(StageContext), typeof(Verdict));
}
