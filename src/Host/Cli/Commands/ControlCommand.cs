using System.Net.Sockets;
using System.Text.Json;
using Exim.Host.Configuration;
using Exim.Host.Control;

namespace Exim.Host.Cli.Commands;

/// <summary>
/// <c>exim --control &lt;request&gt; [arguments]</c>: sends one request to the daemon's control socket (notifier_socket) and
/// prints its JSON reply; exit 0 when it succeeded. <c>exim --exiwhat</c>: the daemon's status as exiwhat lines, without
/// signals. Both need root or the Exim user: the daemon checks the caller's credentials.
/// </summary>
internal static class ControlCommand
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60); // a reload compiles scripts

    public static async Task<int> RunAsync(CommandLine cl, bool exiwhat, TextWriter output, TextWriter error)
    {
        var loaded = TomlConfigLoader.Load(cl.ConfigPath);
        var path = loaded.Succeeded ? ControlSocketPath.For(loaded.Config.Config.Main) : ControlSocketPath.ForBrokenFile(cl.ConfigPath);
        if (!loaded.Succeeded && path is null) return ConfigErrors.Print(loaded.Errors, error);
        if (path is null)
        {
            await error.WriteLineAsync("exim: notifier_socket is empty: the daemon has no control socket").ConfigureAwait(false);
            return 1;
        }
        var request = exiwhat ? ControlProtocol.Status : string.Join(' ', cl.Arguments);
        if (request.Length == 0)
        {
            await error.WriteLineAsync($"exim: --control needs a request: {string.Join(", ", ControlProtocol.Requests.Where(r => r != ControlProtocol.Register))}").ConfigureAwait(false);
            return 1;
        }
        string reply;
        try
        {
            reply = await ControlClient.SendAsync(path, request, Timeout).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
        {
            await error.WriteLineAsync($"exim: no daemon answers on {path}: {e.Message}").ConfigureAwait(false);
            return 1;
        }
        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(reply);
        }
        catch (JsonException)
        {
            await error.WriteLineAsync($"exim: the daemon's reply is not JSON: {reply}").ConfigureAwait(false);
            return 1;
        }
        using (json)
        {
            var ok = json.RootElement.TryGetProperty("ok", out var okProperty) && okProperty.ValueKind == JsonValueKind.True;
            if (exiwhat && ok) await output.WriteAsync(ExiwhatFormat.Format(json.RootElement)).ConfigureAwait(false);
            else if (exiwhat) await error.WriteLineAsync($"exim: {ErrorOf(json.RootElement)}").ConfigureAwait(false);
            else await output.WriteLineAsync(reply).ConfigureAwait(false);
            return ok ? 0 : 1;
        }
    }

    private static string ErrorOf(JsonElement reply) => reply.TryGetProperty("error", out var e) ? e.GetString() ?? "" : "the daemon refused the request";
}
