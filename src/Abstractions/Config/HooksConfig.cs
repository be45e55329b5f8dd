using System.Collections.Immutable;
using Exim.Abstractions.Policy;

namespace Exim.Abstractions.Config;

/// <summary>
/// The <c>[hooks]</c> table: C# scripts run by the daemon, compiled once per generation, and the order in which the
/// stage scripts and plugins' stage policies decide. One script file may serve several stages.
/// </summary>
internal sealed record HooksConfig
{
    /// <summary>The name that stands for the stage scripts in <see cref="Order"/>.</summary>
    public const string Scripts = "script";

    /// <summary>Script run for each connection after the built-in limits and the reverse lookup, before the banner; returns a Verdict.</summary>
    [EximOption("accept", Kind = OptionKind.Path)] public string? Accept { get; init; }

    /// <summary>Script run after each valid HELO or EHLO (Exim's acl_smtp_helo).</summary>
    [EximOption("helo", Kind = OptionKind.Path)] public string? Helo { get; init; }

    /// <summary>Script run after each valid MAIL FROM (Exim's acl_smtp_mail).</summary>
    [EximOption("mail", Kind = OptionKind.Path)] public string? Mail { get; init; }

    /// <summary>Script run after each RCPT TO that passed relay control (Exim's acl_smtp_rcpt).</summary>
    [EximOption("rcpt", Kind = OptionKind.Path)] public string? Rcpt { get; init; }

    /// <summary>Script run on DATA, before 354 (Exim's acl_smtp_predata).</summary>
    [EximOption("predata", Kind = OptionKind.Path)] public string? Predata { get; init; }

    /// <summary>Script run after the final dot, before 250, with the message spooled but not committed (Exim's acl_smtp_data).</summary>
    [EximOption("data", Kind = OptionKind.Path)] public string? Data { get; init; }

    /// <summary>
    /// Script run for each message submitted locally without SMTP (sendmail, <c>exim -bm</c>), once it is read and spooled
    /// but before it is committed (Exim's acl_not_smtp).
    /// </summary>
    [EximOption("not_smtp", Kind = OptionKind.Path)] public string? NotSmtp { get; init; }

    /// <summary>Script run when a session, a delivery or a queue runner ends.</summary>
    [EximOption("child_exit", Kind = OptionKind.Path)] public string? ChildExit { get; init; }

    /// <summary>Time budget of one invocation; a script or policy that exceeds it (or throws) defers its stage with 4xx.</summary>
    [EximOption("timeout")] public TimeSpan Timeout { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Who decides at each stage, in turn: <c>"script"</c> (the stage's script from this table) and the keys plugins
    /// registered their <see cref="IStagePolicy"/> under. The first decision that is not Accept is the stage's. A plugin's
    /// policy runs only when it is named here.
    /// </summary>
    [EximOption("order")] public ImmutableArray<string> Order { get; init; } = [Scripts];

    /// <summary>The script named for <paramref name="stage"/>, or null.</summary>
    /// <param name="stage">A stage.</param>
    public string? ScriptFor(SmtpStage stage) => stage switch
    {
        SmtpStage.Connect => Accept,
        SmtpStage.Helo => Helo,
        SmtpStage.Mail => Mail,
        SmtpStage.Rcpt => Rcpt,
        SmtpStage.Predata => Predata,
        SmtpStage.Data => Data,
        SmtpStage.NotSmtp => NotSmtp,
        _ => null,
    };
}
