using System.Collections.Immutable;
using System.Globalization;
using Exim.Abstractions.Plugins;
using Exim.Abstractions.Transports;

namespace Exim.Plugins.Pipe;

/// <summary>
/// Creates <c>pipe</c> transports from Exim's options: <c>command</c>, <c>force_command</c>, <c>use_shell</c>,
/// <c>path</c>, <c>temp_errors</c>, <c>timeout</c>, <c>timeout_defer</c>, <c>ignore_status</c>, <c>max_output</c>,
/// <c>message_prefix</c>, <c>message_suffix</c>, <c>environment</c> and <c>use_crlf</c> (the generic options, such as
/// <c>return_path_add</c>, are the core's). Strings are taken literally (there is no expansion language).
/// </summary>
internal sealed class PipeDriver : ITransportDriver
{
    public ITransport Create(TransportDefinition definition)
    {
        var o = definition.Options;
        var settings = new PipeSettings
        {
            Command = o.GetString("command") is { Length: > 0 } command ? command : null,
            ForceCommand = o.GetBoolean("force_command") ?? false,
            UseShell = o.GetBoolean("use_shell") ?? false,
            Path = o.GetString("path") is { } path ? [.. path.Split(':', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)] : ["/bin", "/usr/bin"],
            TempErrors = TempErrors(o),
            Timeout = o.GetTime("timeout") ?? TimeSpan.FromHours(1),
            TimeoutDefer = o.GetBoolean("timeout_defer") ?? false,
            IgnoreStatus = o.GetBoolean("ignore_status") ?? false,
            MaxOutput = (int)Math.Clamp(o.GetSize("max_output") ?? 20480, 0, int.MaxValue),
            MessagePrefix = o.GetString("message_prefix"),
            MessageSuffix = o.GetString("message_suffix") ?? "\n",
            Environment = Environment(o),
            // return_path_add, delivery_date_add and envelope_to_add are generic: the core applies them to the message.
            WriteOptions = o.GetBoolean("use_crlf") ?? false ? MessageWriteOptions.CrLf : MessageWriteOptions.None,
        };
        if (settings.Timeout <= TimeSpan.Zero) throw o.Invalid("timeout", "must be more than 0s");
        if (settings.ForceCommand && settings.Command is null) throw o.Invalid("force_command", "needs a command");
        if (settings.Command is not null && CommandLine.Split(settings.Command).Count == 0) throw o.Invalid("command", "is empty");
        return new PipeTransport(definition.Name, settings, definition.Main.QualifyDomain);
    }

    /// <summary><c>temp_errors</c>: <c>*</c> or a colon-separated list of numbers (Exim's check).</summary>
    private static ImmutableArray<int>? TempErrors(IPluginOptions o)
    {
        if (o.GetString("temp_errors") is not { } text) return [75, 73];
        if (text.Trim() == "*") return null;
        var codes = ImmutableArray.CreateBuilder<int>();
        foreach (var item in text.Split(':', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(item, NumberStyles.None, CultureInfo.InvariantCulture, out var code)) throw o.Invalid("temp_errors", "must be a list of numbers or an asterisk");
            codes.Add(code);
        }
        return codes.ToImmutable();
    }

    /// <summary><c>environment</c>: <c>NAME=value</c> items added to Exim's variables.</summary>
    private static ImmutableArray<string> Environment(IPluginOptions o)
    {
        if (o.GetList("environment") is not { } list) return [];
        foreach (var item in list)
        {
            if (item.IndexOf('=', StringComparison.Ordinal) <= 0) throw o.Invalid("environment", $"\"{item}\" is not NAME=value");
        }
        return list;
    }
}
