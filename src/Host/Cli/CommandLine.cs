using System.Collections.Immutable;
using Exim.Abstractions.Queue;

namespace Exim.Host.Cli;

/// <summary>A parsed exim command line.</summary>
internal sealed record CommandLine
{
    public Mode Mode { get; init; }
    public string ConfigPath { get; init; } = EximVersion.ConfigureFile;
    public bool Foreground { get; init; }
    public bool Debug { get; init; }
    public bool Verbose { get; init; }
    public bool NoNames { get; init; }
    public string? ListenOverride { get; init; }
    public string? PidFileOverride { get; init; }
    public string? HostCheckAddress { get; init; }

    /// <summary>-oMi: the local interface address (and port) a -bh session pretends to have been received on.</summary>
    public string? InterfaceOverride { get; init; }

    /// <summary>-bp[r][u|a]: what -bp lists and in which order.</summary>
    public QueueListing Listing { get; init; } = new(QueueListKind.Basic, Unsorted: false);

    public ImmutableArray<QueueRunSpec> QueueRuns { get; init; } = [];

    /// <summary>-R / -S: the one-off queue run takes only the messages this selects (null: all).</summary>
    public Mail.Delivery.QueueSelection? Selection { get; init; }
    /// <summary>-f (or -r): the envelope sender asked for ("" for <c>-f &lt;&gt;</c>); honoured only as Exim honours it.</summary>
    public string? SubmitSender { get; init; }

    /// <summary>-F: the sender's full name.</summary>
    public string? SubmitFullName { get; init; }

    /// <summary>-t: recipients from To:, Cc: and Bcc:.</summary>
    public bool ExtractRecipients { get; init; }

    /// <summary>False after -i, -oi or -ti: a line with a single dot does not end a message on stdin.</summary>
    public bool DotEnds { get; init; } = true;

    /// <summary>-odb, -odi (-odf), -odq.</summary>
    public Mail.Submission.SubmissionDelivery Delivery { get; init; }

    /// <summary>
    /// -qG&lt;name&gt; beside -bp, -bpc, -M, -Mg, -Mrm, -MG, -Mf, -Mt, -Mmad, -Mmd, -Mar, -Mes, -Mvh, -Mvb or -Mvl: the named queue they work on (null: the default queue).
    /// </summary>
    public string? QueueName { get; init; }

    /// <summary>
    /// Non-option arguments: option names for -bP, addresses for -bt, -bv and -bvs, message ids for -M, -Mg, -Mrm, -Mf, -Mt and -Mmad, the one id for -Mvh, -Mvb and -Mvl, the id and addresses for -Mmd, -Mar and -Mes, the
    /// destination queue and message ids for -MG, the start and stop ids of a one-off -q run; for --dumpdb and --tidydb,
    /// everything after them.
    /// </summary>
    public ImmutableArray<string> Arguments { get; init; } = [];
}
