using System.Collections.Immutable;
using Exim.Abstractions.Queue;
using Exim.Host.Configuration.Values;
using Exim.Mail.Delivery;

namespace Exim.Host.Cli;

/// <summary>
/// Exim's command line (spec §1.1). Options come first; the first argument that is not an option ends them and,
/// with everything after it, becomes the mode's arguments. Unknown options give Exim's "unknown, malformed, or
/// incomplete option" (exit 1); two modes that cannot be combined give "incompatible command-line options or
/// arguments" (exit 2).
/// </summary>
internal static class CommandLineParser
{
    public const string Incompatible = "exim: incompatible command-line options or arguments";

    public static CommandLineParseResult Parse(IReadOnlyList<string> args)
    {
        var cl = new CommandLine();
        var modes = new List<Mode>();
        var queueRuns = ImmutableArray.CreateBuilder<QueueRunSpec>();
        QueueRunSpec? oneShot = null;
        var (selectFlags, recipient, recipientRegex, sender, senderRegex) = (QueueRunFlags.None, (string?)null, false, (string?)null, false);
        var i = 0;
        for (; i < args.Count; i++)
        {
            var a = args[i];
            if (a == "--") { i++; break; }
            if (a is "--dumpdb" or "--tidydb")
            {
                // exim_dumpdb and exim_tidydb: their own options (-z -k, -t <time> -f) follow, so everything after is theirs.
                modes.Add(a == "--dumpdb" ? Mode.DumpDatabase : Mode.TidyDatabase);
                i++;
                break;
            }
            if (a == "--control")
            {
                // The control socket's request and its arguments (-qGhold, a message id) follow: everything after is theirs.
                modes.Add(Mode.Control);
                i++;
                break;
            }
            if (a.Length < 2 || a[0] != '-') break;
            switch (a)
            {
                case "--help": modes.Add(Mode.Help); continue;
                case "--exiwhat": modes.Add(Mode.Exiwhat); continue;
                case "-bd": modes.Add(Mode.Daemon); continue;
                case "-bdf": modes.Add(Mode.Daemon); cl = cl with { Foreground = true }; continue;
                case "-bV": modes.Add(Mode.Version); continue;
                case "-bP": modes.Add(Mode.PrintOptions); continue;
                case "-bt": modes.Add(Mode.AddressTest); continue;
                case "-bv": modes.Add(Mode.VerifyRecipient); continue;
                case "-bvs": modes.Add(Mode.VerifySender); continue;
                case "-bpc": modes.Add(Mode.CountQueue); continue;
                case "-M": modes.Add(Mode.DeliverMessages); continue;
                case "-Mrm": modes.Add(Mode.RemoveMessages); continue;
                case "-Mf": modes.Add(Mode.FreezeMessages); continue;
                case "-Mt": modes.Add(Mode.ThawMessages); continue;
                case "-Mmad": modes.Add(Mode.MarkAllDelivered); continue;
                case "-Mmd": modes.Add(Mode.MarkDelivered); continue;
                case "-Mar": modes.Add(Mode.AddRecipients); continue;
                case "-Mes": modes.Add(Mode.EditSender); continue;
                case "-Mvh": modes.Add(Mode.ShowHeader); continue;
                case "-Mvb": modes.Add(Mode.ShowBody); continue;
                case "-MG": modes.Add(Mode.MoveMessages); continue;
                case "-Mg": modes.Add(Mode.GiveUpMessages); continue;
                case "-Mvl": modes.Add(Mode.ShowLog); continue;
                case "-bm": modes.Add(Mode.Submit); continue;
                case "-bs": modes.Add(Mode.SmtpInput); continue;
                case "-t": cl = cl with { ExtractRecipients = true }; continue;
                case "-ti": cl = cl with { ExtractRecipients = true, DotEnds = false }; continue;
                case "-i" or "-oi" or "-oitrue": cl = cl with { DotEnds = false }; continue;
                case "-odb": cl = cl with { Delivery = Mail.Submission.SubmissionDelivery.Background }; continue;
                case "-odi" or "-odf": cl = cl with { Delivery = Mail.Submission.SubmissionDelivery.Interactive }; continue;
                case "-odq": cl = cl with { Delivery = Mail.Submission.SubmissionDelivery.QueueOnly }; continue;
                // Accepted for sendmail's callers and ignored, as Exim ignores them (errors always go to stderr, as -oep):
                // -oe*/-e* error modes, -U (initial submission), -m/-om (me too), -B 7BIT|8BITMIME, -h <hops>.
                case "-oem" or "-oee" or "-oep" or "-oeq" or "-oew" or "-em" or "-ee" or "-ep" or "-eq" or "-ew" or "-U" or "-m" or "-om"
                    or "-B7BIT" or "-B8BITMIME":
                    continue;
                case "-B" or "-h" or "-f" or "-r" or "-F":
                    if (i + 1 >= args.Count) return Malformed(a);
                    var next = args[++i];
                    if (a == "-B" && next is not ("7BIT" or "8BITMIME")) return Malformed(a);
                    if (a == "-h" && !int.TryParse(next, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _)) return Malformed(a);
                    if (a is "-f" or "-r") cl = cl with { SubmitSender = next };
                    if (a == "-F") cl = cl with { SubmitFullName = next };
                    continue;
                case "-n": cl = cl with { NoNames = true }; continue;
                case "-v": cl = cl with { Verbose = true }; continue;
                case "-C" or "-oX" or "-oP" or "-bh" or "-oMi":
                    if (i + 1 >= args.Count) return Malformed(a);
                    var value = args[++i];
                    cl = a switch
                    {
                        "-C" => cl with { ConfigPath = value },
                        "-oX" => cl with { ListenOverride = value },
                        "-oP" => cl with { PidFileOverride = value },
                        "-oMi" => cl with { InterfaceOverride = value },
                        _ => cl with { HostCheckAddress = value },
                    };
                    if (a == "-bh") modes.Add(Mode.HostCheck);
                    continue;
            }
            if (a.StartsWith("-d", StringComparison.Ordinal)) { cl = cl with { Debug = true }; continue; }
            if (a[1] is 'f' or 'r') { cl = cl with { SubmitSender = a[2..] }; continue; } // -fsender, -rsender
            if (a[1] == 'F') { cl = cl with { SubmitFullName = a[2..] }; continue; }
            if (a.StartsWith("-bp", StringComparison.Ordinal))
            {
                if (!TryParseListQueue(a, out var listing)) return Malformed(a);
                modes.Add(Mode.ListQueue);
                cl = cl with { Listing = listing };
                continue;
            }
            if (SelectionOption(a) is { } select)
            {
                // exim.c's -R / -S (and -qR, -qS, -qqR, -qqS): [f|ff|r|rf|rff] as the whole rest of the option, then the
                // string, in the same argument or the next.
                var (rest, flags, regex) = (select.Value, select.TwoStage ? QueueRunFlags.TwoStage : QueueRunFlags.None, false);
                if (rest is "f" or "ff" or "r" or "rf" or "rff")
                {
                    if (rest != "r") flags |= QueueRunFlags.Force;
                    if (rest.EndsWith("ff", StringComparison.Ordinal)) flags |= QueueRunFlags.Thaw;
                    regex = rest[0] == 'r';
                    rest = "";
                }
                if (rest.Length == 0)
                {
                    if (i + 1 >= args.Count) return new CommandLineParseResult(null, $"exim: string expected after -{(select.Recipient ? 'R' : 'S')}", 1);
                    rest = args[++i];
                }
                selectFlags |= flags;
                if (select.Recipient) (recipient, recipientRegex) = (rest, regex);
                else (sender, senderRegex) = (rest, regex);
                continue;
            }
            if (a.StartsWith("-q", StringComparison.Ordinal))
            {
                if (!TryParseQueueRun(a, out var spec)) return Malformed(a);
                if (spec.QueueName is { } name && !QueueNames.IsValid(name, out var why))
                {
                    return new CommandLineParseResult(null, $"exim: {why}: {a}", 1);
                }
                if (spec.Interval == TimeSpan.Zero)
                {
                    if (oneShot is not null && oneShot != spec) return new CommandLineParseResult(null, Incompatible, 2); // one run per process
                    oneShot = spec;
                    modes.Add(Mode.QueueRun);
                }
                else
                {
                    if (queueRuns.Any(q => q.QueueName == spec.QueueName))
                    {
                        return new CommandLineParseResult(null, "exim: queue-runner specified more than once", 2);
                    }
                    queueRuns.Add(spec);
                }
                continue;
            }
            return Malformed(a);
        }

        // -R or -S: a one-off run of the messages they select (with -q's flags when one was given too).
        QueueSelection? selection = null;
        if (recipient is not null || sender is not null)
        {
            selection = QueueSelection.Create(recipient, recipientRegex, sender, senderRegex, out var regexError);
            if (selection is null) return new CommandLineParseResult(null, $"exim: {regexError}", 1);
            if (queueRuns.Count > 0) return new CommandLineParseResult(null, Incompatible, 2); // only a one-off run selects
            if (oneShot is null) modes.Add(Mode.QueueRun);
            var run = oneShot ?? new QueueRunSpec(null, TimeSpan.Zero, QueueRunFlags.None);
            oneShot = run with { Flags = run.Flags | selectFlags };
        }

        // A periodic -q makes this a daemon, with or without -bd.
        if (queueRuns.Count > 0 && !modes.Contains(Mode.Daemon)) modes.Add(Mode.Daemon);

        // With another action, a bare -qG<name> only says which queue it works on (exim -qGbulk -bp, exim -qGbulk -M <id>).
        if (oneShot is { QueueName: { } selected, Flags: QueueRunFlags.None } && modes.Count(m => m == Mode.QueueRun) == 1
            && modes.Any(m => m is Mode.ListQueue or Mode.CountQueue or Mode.DeliverMessages or Mode.RemoveMessages or Mode.MoveMessages
                or Mode.FreezeMessages or Mode.ThawMessages or Mode.MarkAllDelivered or Mode.MarkDelivered
                or Mode.AddRecipients or Mode.EditSender or Mode.ShowHeader or Mode.ShowBody or Mode.ShowLog or Mode.GiveUpMessages))
        {
            modes.Remove(Mode.QueueRun);
            oneShot = null;
            cl = cl with { QueueName = selected };
        }
        var distinct = modes.Distinct().ToList();
        if (distinct.Count > 1 || (oneShot is not null && queueRuns.Count > 0))
        {
            return new CommandLineParseResult(null, Incompatible, 2);
        }
        var mode = distinct.Count == 1 ? distinct[0] : Mode.None;
        // Exim with recipients (or -t) and no other mode reads a message: exim user@example.com < message.
        if (mode == Mode.None && (cl.ExtractRecipients || i < args.Count)) mode = Mode.Submit;
        if (oneShot is not null) queueRuns.Insert(0, oneShot);
        return new CommandLineParseResult(cl with
        {
            Mode = mode,
            QueueRuns = queueRuns.ToImmutable(),
            Arguments = [.. args.Skip(i)],
            Selection = selection,
        }, null, 0);
    }

    /// <summary><c>-R…</c>, <c>-S…</c>, <c>-qR…</c>, <c>-qS…</c>, <c>-qqR…</c> or <c>-qqS…</c> (exim.c makes the q forms synonyms), or null.</summary>
    private static (bool Recipient, bool TwoStage, string Value)? SelectionOption(string arg)
    {
        var twoStage = arg.StartsWith("-qq", StringComparison.Ordinal);
        var at = twoStage ? 3 : arg.StartsWith("-q", StringComparison.Ordinal) ? 2 : 1;
        if (arg.Length <= at || arg[at] is not ('R' or 'S')) return null;
        return (arg[at] == 'R', twoStage, arg[(at + 1)..]);
    }

    /// <summary>
    /// Exim 4.96's <c>-bp[r][u|a]</c> (exim.c): r lists in directory order instead of by arrival, u only undelivered
    /// recipients, a also delivered addresses that were not in the envelope (<c>+D</c>). (4.97 adds <c>-bpi</c>, ids only.)
    /// </summary>
    public static bool TryParseListQueue(string arg, out QueueListing listing)
    {
        var s = arg.AsSpan(3);
        var unsorted = s.StartsWith("r");
        if (unsorted) s = s[1..];
        var kind = s switch
        {
            "" => QueueListKind.Basic,
            "u" => QueueListKind.UndeliveredOnly,
            "a" => QueueListKind.PlusGenerated,
            _ => (QueueListKind?)null,
        };
        listing = new QueueListing(kind ?? QueueListKind.Basic, unsorted);
        return kind is not null;
    }

    /// <summary><c>-q[q][i][f[f]][l][G&lt;name&gt;[/&lt;time&gt;]]</c> or <c>-q...&lt;time&gt;</c>.</summary>
    public static bool TryParseQueueRun(string arg, out QueueRunSpec spec)
    {
        spec = new QueueRunSpec(null, TimeSpan.Zero, QueueRunFlags.None);
        var s = arg.AsSpan(2);
        var flags = QueueRunFlags.None;
        if (s.StartsWith("q")) { flags |= QueueRunFlags.TwoStage; s = s[1..]; }
        if (s.StartsWith("i")) { flags |= QueueRunFlags.FirstDeliveryOnly; s = s[1..]; }
        if (s.StartsWith("ff")) { flags |= QueueRunFlags.Force | QueueRunFlags.Thaw; s = s[2..]; }
        else if (s.StartsWith("f")) { flags |= QueueRunFlags.Force; s = s[1..]; }
        if (s.StartsWith("l")) { flags |= QueueRunFlags.LocalOnly; s = s[1..]; }
        string? name = null;
        if (s.StartsWith("G"))
        {
            var rest = s[1..];
            var slash = rest.IndexOf('/');
            name = (slash < 0 ? rest : rest[..slash]).ToString();
            if (name.Length == 0) return false;
            s = slash < 0 ? [] : rest[(slash + 1)..];
            if (slash >= 0 && s.IsEmpty) return false;
        }
        var interval = TimeSpan.Zero;
        if (!s.IsEmpty)
        {
            if (!EximTime.TryParse(s.ToString(), out var t) || t.Value <= TimeSpan.Zero) return false;
            interval = t.Value;
        }
        spec = new QueueRunSpec(name, interval, flags);
        return true;
    }

    private static CommandLineParseResult Malformed(string arg)
        => new(null, $"exim abandoned: unknown, malformed, or incomplete option {arg}", 1);
}
