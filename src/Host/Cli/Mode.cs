namespace Exim.Host.Cli;

/// <summary>What one invocation of exim does; exactly one per command line.</summary>
internal enum Mode
{
    None,
    Help,
    Daemon,
    Version,
    PrintOptions,
    AddressTest,
    VerifyRecipient,
    VerifySender,
    HostCheck,
    ListQueue,
    CountQueue,
    QueueRun,
    DeliverMessages,
    RemoveMessages,
    MoveMessages,
    GiveUpMessages,
    FreezeMessages,
    ThawMessages,
    MarkAllDelivered,
    MarkDelivered,
    AddRecipients,
    EditSender,
    ShowHeader,
    ShowBody,
    ShowLog,
    DumpDatabase,
    TidyDatabase,
    Control,
    Exiwhat,

    /// <summary>-bm, or recipients (or -t) with no other mode, or the name sendmail: a message on stdin.</summary>
    Submit,

    /// <summary>-bs: an SMTP dialogue on stdin and stdout.</summary>
    SmtpInput,
}
