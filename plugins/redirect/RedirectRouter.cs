using System.Collections.Immutable;
using Exim.Abstractions.Routing;

namespace Exim.Plugins.Redirect;

/// <summary>
/// One <c>redirect</c> router (Exim's redirect.c with rda.c): finds the list (reading files when it runs, so edits need no
/// reload), parses it, and turns the outcome into Exim's router result: nothing (or a missing file or key) declines,
/// <c>:blackhole:</c> redirects to nothing, <c>:defer:</c> and <c>:fail:</c> defer and fail with their text, errors defer
/// with <c>error in redirect data: ...</c>, and the items become the children.
/// </summary>
internal sealed partial class RedirectRouter(RedirectSettings settings, string qualifyRecipient) : IRouter
{
    /// <summary>Exim's MAX_FILTER_SIZE: the largest <c>.forward</c> read.</summary>
    public const int MaxFileSize = 1024 * 1024;

    public ValueTask<RouterResult> RouteAsync(RoutingRequest request, CancellationToken cancellationToken) => ValueTask.FromResult(Route(request));

    private RouterResult Route(RoutingRequest request)
    {
        SystemUser? user = null;
        if (settings.CheckLocalUser)
        {
            user = Native.GetUser(request.LocalPart);
            if (user is null) return RouterResult.Decline();
        }

        string? list;
        string? failure;
        switch (settings.Source)
        {
            case RedirectSource.Data:
                list = settings.Value;
                break;
            case RedirectSource.AliasesFile:
                if (Substitute(settings.Value, request, user, out failure) is not { } aliases) return RouterResult.Defer(failure!);
                try
                {
                    list = AliasesFile.Lookup(aliases, request.LocalPart);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    return RouterResult.Defer($"failed to open {aliases} for linear search: {RedirectFiles.Reason(e)}");
                }
                break;
            default:
                if (Substitute(settings.Value, request, user, out failure) is not { } path) return RouterResult.Defer(failure!);
                if (!TryReadFile(path, user, out list, out failure)) return failure is null ? RouterResult.Decline() : RouterResult.Defer(failure);
                break;
        }
        if (string.IsNullOrWhiteSpace(list)) return RouterResult.Decline();

        var qualify = settings.QualifyPreserveDomain ? request.Domain : settings.QualifyDomain ?? qualifyRecipient;
        var parsed = ForwardList.Parse(list, new ForwardListOptions(settings.AllowFail, settings.AllowDefer, settings.ForbidBlackhole, settings.ForbidInclude,
            settings.IncludeDirectory, qualify, request.Domain));
        return parsed.Outcome switch
        {
            ForwardOutcome.NotDelivered => RouterResult.Decline(),
            ForwardOutcome.Blackhole => RouterResult.Redirect([]),
            ForwardOutcome.Defer => RouterResult.Defer(string.IsNullOrEmpty(parsed.Text) ? "forced defer" : parsed.Text),
            ForwardOutcome.Fail => RouterResult.Fail(string.IsNullOrEmpty(parsed.Text) ? "forced rejection" : parsed.Text),
            ForwardOutcome.Error or ForwardOutcome.IncludeFail
                => RouterResult.Defer($"error in redirect {(settings.Source == RedirectSource.File ? "file" : "data")}: {parsed.Text}"),
            _ => Children(request, parsed.Items),
        };
    }

    /// <summary>Exim's add_generated and the checks deliver.c makes on pipes and files.</summary>
    private RouterResult Children(RoutingRequest request, ImmutableArray<ForwardItem> items)
    {
        var children = ImmutableArray.CreateBuilder<RedirectItem>(items.Length);
        foreach (var item in items)
        {
            switch (item.Kind)
            {
                case RedirectItemKind.Address:
                    // check_ancestor: a child equal to an ancestor (or the address itself) is replaced by the address being routed.
                    children.Add(new RedirectItem(RedirectItemKind.Address, settings.CheckAncestor && IsAncestor(item.Value, request) ? request.Address : item.Value));
                    break;
                case RedirectItemKind.Pipe:
                    // deliver.c: a forbidden pipe or file fails that item alone; its siblings are delivered. An unset
                    // transport is left to the core, which defers that item alone ("pipe_transport unset in R router").
                    children.Add(settings.ForbidPipe
                        ? RedirectItem.Failed(RedirectItemKind.Pipe, item.Value, "delivery to pipe forbidden", settings.PipeTransport)
                        : new RedirectItem(RedirectItemKind.Pipe, item.Value, settings.PipeTransport));
                    break;
                default:
                    var transport = item.Value.EndsWith('/') ? settings.DirectoryTransport : settings.FileTransport;
                    children.Add(settings.ForbidFile
                        ? RedirectItem.Failed(RedirectItemKind.File, item.Value, "delivery to file forbidden", transport)
                        : new RedirectItem(RedirectItemKind.File, item.Value, transport));
                    break;
            }
        }
        return RouterResult.Redirect(children.MoveToImmutable());
    }

    private static bool IsAncestor(string address, RoutingRequest request)
    {
        if (string.Equals(address, request.Address, StringComparison.OrdinalIgnoreCase)) return true;
        foreach (var ancestor in request.Ancestors)
        {
            if (string.Equals(address, ancestor.Address, StringComparison.OrdinalIgnoreCase)) return true;
        }
        return false;
    }

    /// <summary>
    /// <c>$local_part</c>, <c>$domain</c> and <c>$home</c> in a path. A local part or domain that could leave the directory
    /// (a <c>/</c>, or a leading dot) is refused, as Exim refuses a tainted file name.
    /// </summary>
    private static string? Substitute(string template, RoutingRequest request, SystemUser? user, out string? failure)
    {
        failure = null;
        if (!template.Contains('$', StringComparison.Ordinal)) return template;
        foreach (var (variable, value) in new[] { ("local_part", request.LocalPart), ("domain", request.Domain) })
        {
            if (!template.Contains("$" + variable, StringComparison.Ordinal) && !template.Contains("${" + variable + "}", StringComparison.Ordinal)) continue;
            if (value.Length == 0 || value.Contains('/', StringComparison.Ordinal) || value[0] == '.')
            {
                failure = $"Tainted name '{template}' for file read not permitted ({variable} \"{value}\")";
                return null;
            }
        }
        // One pass: a value that itself contains "$domain" or "$home" is not expanded again.
        return Variables().Replace(template, m => (m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value) switch
        {
            "local_part" => request.LocalPart,
            "domain" => request.Domain,
            _ => user?.Home ?? "",
        });
    }

    /// <summary>
    /// Exim's rda_get_file_contents: false with no failure when the file does not exist but its directory does (the router
    /// declines); false with a failure (the router defers) for other errors, a file that is not regular, has a bit of
    /// <c>modemask</c> set, has the wrong owner or is too big.
    /// </summary>
    private bool TryReadFile(string path, SystemUser? user, out string? contents, out string? failure)
    {
        contents = null;
        failure = null;
        FileStream stream;
        try
        {
            stream = Native.OpenRegular(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            var directory = Path.GetDirectoryName(path) ?? "/";
            if (!Directory.Exists(directory)) failure = $"failed to stat {directory}/. (No such file or directory)";
            return false;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            failure = $"failed to open {path}: {RedirectFiles.Reason(e)}";
            return false;
        }
        using (stream)
        {
            var (mode, uid, _, size) = Native.Stat(stream.SafeFileHandle);
            if ((mode & 0xF000) != 0x8000) failure = $"{path} is not a regular file";
            else if ((mode & settings.ModeMask) != 0) failure = $"bad mode (0{Convert.ToString(mode, 8)}) for {path}: 0{Convert.ToString(mode & settings.ModeMask, 8)} bit(s) unexpected";
            else if (settings.CheckOwner && uid != user?.Uid && !settings.Owners.Contains(uid)) failure = $"bad owner for {path}";
            else if (size > MaxFileSize) failure = $"{path} is too big (max {MaxFileSize})";
            if (failure is not null) return false;
            contents = RedirectFiles.ReadAll(stream, MaxFileSize);
            return true;
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\$(?:\{(local_part|domain|home)\}|(local_part|domain|home))")]
    private static partial System.Text.RegularExpressions.Regex Variables();
}
