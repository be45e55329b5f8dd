using Exim.Abstractions.Routing;
using System.Collections.Immutable;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Exim.Abstractions.Transports;

namespace Exim.Plugins.Pipe;

/// <summary>
/// One <c>pipe</c> transport (Exim's pipe.c), one recipient per run: the command is split into arguments and run
/// directly (or by <c>/bin/sh -c</c> with <c>use_shell</c>), with Exim's environment and nothing of the daemon's, the
/// message on its standard input, its output (both streams) read and discarded up to <c>max_output</c>. Exit 0 is
/// delivered; a code in <c>temp_errors</c> (75 and 73 by default) is deferred; any other code fails with Exim's
/// <c>Child process of T transport returned N (could mean ...) from command: ...</c>. After <c>timeout</c> the command
/// and every process it started are killed and the delivery fails (defers with <c>timeout_defer</c>). The command runs as
/// the delivery process's user: we never change to the recipient's uid as Exim does.
/// </summary>
internal sealed class PipeTransport(string name, PipeSettings settings, string qualifyDomain) : ITransport
{
    private const int ExitExecFailed = 127;

    public bool IsRemote => false;

    /// <summary>Exim's default batch_max for pipe: one recipient per command.</summary>
    public int MaxRecipients => 1;

    public async ValueTask<TransportResult> DeliverAsync(TransportRequest request, CancellationToken cancellationToken)
    {
        var outcomes = ImmutableArray.CreateBuilder<RecipientOutcome>(request.Recipients.Length);
        foreach (var recipient in request.Recipients) outcomes.Add(await DeliverOneAsync(request.Message, recipient, cancellationToken).ConfigureAwait(false));
        return new TransportResult(outcomes.MoveToImmutable());
    }

    private async Task<RecipientOutcome> DeliverOneAsync(IDeliveryMessage message, DeliveryRecipient recipient, CancellationToken cancellationToken)
    {
        var command = !settings.ForceCommand && recipient.Kind == RedirectItemKind.Pipe && recipient.Address.StartsWith('|') ? recipient.Address[1..] : settings.Command;
        if (string.IsNullOrWhiteSpace(command)) return RecipientOutcome.Deferred(recipient.Address, $"no command specified for {name} transport");
        List<string> argv = settings.UseShell ? ["/bin/sh", "-c", command] : CommandLine.Split(command);
        if (argv.Count == 0 || argv[0].Length == 0) return RecipientOutcome.Failed(recipient.Address, $"no command specified for {name} transport");
        if (argv[0][0] != '/' && argv[0].Contains('/', StringComparison.Ordinal))
        {
            // A relative name with a directory in it would be looked up below each `path` entry and could climb out of it.
            return RecipientOutcome.Failed(recipient.Address, $"\"{argv[0]}\" command for {name} transport is neither absolute nor a bare name");
        }
        if (argv[0][0] != '/')
        {
            var found = settings.Path.Select(dir => Path.Combine(dir, argv[0])).FirstOrDefault(File.Exists);
            if (found is null) return RecipientOutcome.Failed(recipient.Address, $"\"{argv[0]}\" command not found for {name} transport");
            argv[0] = found;
        }

        var start = new ProcessStartInfo(argv[0])
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = "/",
        };
        foreach (var arg in argv.Skip(1)) start.ArgumentList.Add(arg);
        SetEnvironment(start.Environment, message, recipient);

        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Win32Exception)
        {
            return Exited(recipient, ExitExecFailed, argv, "");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.Timeout);
        var output = new OutputLimit(settings.MaxOutput, process);
        var stdout = output.DrainAsync(process.StandardOutput.BaseStream);
        var stderr = output.DrainAsync(process.StandardError.BaseStream);
        try
        {
            await WriteMessageAsync(process.StandardInput.BaseStream, message, timeout.Token).ConfigureAwait(false);
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            await Task.WhenAll(stdout, stderr).WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Kill(process);
            var text = "pipe delivery process timed out";
            return settings.TimeoutDefer ? RecipientOutcome.Deferred(recipient.Address, text) : RecipientOutcome.Failed(recipient.Address, text);
        }
        catch (TimeoutException)
        {
            // A child the command left running holds the output pipe open: the command itself is done.
        }
        catch
        {
            Kill(process);
            throw;
        }
        return Exited(recipient, process.ExitCode, argv, output.Exceeded ? " (output exceeded max_output: process killed)" : "");
    }

    private RecipientOutcome Exited(DeliveryRecipient recipient, int code, List<string> argv, string note)
    {
        if (code == 0 || settings.IgnoreStatus) return RecipientOutcome.Delivered(recipient.Address);
        var text = $"Child process of {name} transport returned {code}";
        var meaning = code > 128 ? $"(could mean shell command ended by signal {code - 128})" : Meaning(code);
        if (meaning.Length > 0) text += " " + meaning;
        text += " from command:" + CommandLine.Describe(argv) + note;
        var temporary = settings.TempErrors is not { } codes || codes.Contains(code);
        return temporary ? RecipientOutcome.Deferred(recipient.Address, text) : RecipientOutcome.Failed(recipient.Address, text);
    }

    /// <summary>Exim's os_strexit: what a sysexits.h code could mean.</summary>
    private static string Meaning(int code) => code switch
    {
        64 => "(could mean usage or syntax error)",
        65 => "(could mean error in input data)",
        66 => "(could mean input data missing)",
        67 => "(could mean user nonexistent)",
        68 => "(could mean host nonexistent)",
        69 => "(could mean service or program unavailable)",
        70 => "(could mean internal software error)",
        71 => "(could mean internal operating system error)",
        72 => "(could mean system file missing)",
        73 => "(could mean can't create output file)",
        74 => "(could mean input/output error)",
        75 => "(could mean temporary error)",
        76 => "(could mean protocol error)",
        77 => "(could mean permission denied)",
        78 => "(could mean configuration error)",
        ExitExecFailed => "(could mean unable to exec or command does not exist)",
        _ => "",
    };

    /// <summary>Exim's pipe environment (pipe.c), plus the <c>environment</c> option's variables.</summary>
    private void SetEnvironment(IDictionary<string, string?> env, IDeliveryMessage message, DeliveryRecipient recipient)
    {
        env.Clear();
        env["LOCAL_PART"] = recipient.LocalPart;
        env["LOGNAME"] = recipient.LocalPart;
        env["USER"] = recipient.LocalPart;
        env["LOCAL_PART_PREFIX"] = "";
        env["LOCAL_PART_SUFFIX"] = "";
        env["DOMAIN"] = recipient.Domain;
        env["HOME"] = "";
        env["MESSAGE_ID"] = message.Id;
        env["PATH"] = string.Join(':', settings.Path);
        env["RECIPIENT"] = recipient.LocalPart + "@" + recipient.Domain;
        env["QUALIFY_DOMAIN"] = qualifyDomain;
        env["SENDER"] = message.Sender;
        env["SHELL"] = "/bin/sh";
        foreach (var item in settings.Environment)
        {
            var eq = item.IndexOf('=', StringComparison.Ordinal);
            env[item[..eq]] = item[(eq + 1)..];
        }
    }

    /// <summary>
    /// The prefix (by default the mbox <c>From sender date</c> line), the message and the suffix. Write errors are ignored,
    /// as Exim does: a command that does not read its input is judged by its exit code.
    /// </summary>
    private async Task WriteMessageAsync(Stream stdin, IDeliveryMessage message, CancellationToken ct)
    {
        try
        {
            await using (stdin.ConfigureAwait(false))
            {
                var prefix = settings.MessagePrefix ?? FromLine(message.Sender, DateTime.Now);
                if (prefix.Length > 0) await stdin.WriteAsync(Encoding.UTF8.GetBytes(prefix), ct).ConfigureAwait(false);
                await message.WriteToAsync(stdin, settings.WriteOptions, ct).ConfigureAwait(false);
                if (settings.MessageSuffix.Length > 0) await stdin.WriteAsync(Encoding.UTF8.GetBytes(settings.MessageSuffix), ct).ConfigureAwait(false);
                await stdin.FlushAsync(ct).ConfigureAwait(false);
            }
        }
        catch (IOException)
        {
            // EPIPE: the command closed its input.
        }
    }

    /// <summary>Exim's default message_prefix: <c>From ${if def:return_path{$return_path}{MAILER-DAEMON}} ${tod_bsdinbox}</c>.</summary>
    internal static string FromLine(string sender, DateTime now)
        => string.Create(CultureInfo.InvariantCulture, $"From {(sender.Length == 0 ? "MAILER-DAEMON" : sender)} {now:ddd MMM} {now.Day,2} {now:HH:mm:ss yyyy}\n");

    private static void Kill(Process process)
    {
        try
        {
            // As Exim's killpg: the command and everything it started.
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }
}
