using System.Collections.Frozen;
using Exim.Host.Log;
using Microsoft.Extensions.Logging;

namespace Exim.Host.Lifetime;

/// <summary>
/// Watches a set of files (the current generation's plugin assemblies; its TLS certificates and keys) and asks for a
/// reload after a quiet period. Unlike McMaster's watcher it sees every way a file is deployed: written in place,
/// copied over, and moved in by rename (which raises Renamed or Created, not Changed), which is also how certbot
/// switches the symbolic links in live/. Whether anything really changed is decided later by content hash, and a
/// half-written file simply fails to load while the old generation keeps serving.
/// </summary>
internal sealed partial class FileChangeWatcher : IDisposable
{
    private readonly string _what;
    private readonly Func<Task> _onChanged;
    private readonly TimeSpan _debounce;
    private readonly ILogger _logger;
    private readonly Timer _timer;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, FileSystemWatcher> _watchers = new(StringComparer.Ordinal);
    private FrozenSet<string> _files = FrozenSet<string>.Empty;
    private bool _disposed;

    /// <param name="what">What the files are, for the log: <c>plugin</c>, <c>TLS certificate</c>.</param>
    /// <param name="onChanged">Asks for the reload.</param>
    /// <param name="debounce">The quiet period.</param>
    /// <param name="logger">Where the lines go.</param>
    public FileChangeWatcher(string what, Func<Task> onChanged, TimeSpan debounce, ILogger<FileChangeWatcher> logger)
    {
        _what = what;
        _onChanged = onChanged;
        _debounce = debounce;
        _logger = logger;
        _timer = new Timer(_ => _ = FireAsync(), null, Timeout.Infinite, Timeout.Infinite);
    }

    /// <summary>Watches exactly these files from now on.</summary>
    public void Watch(IEnumerable<string> paths)
    {
        lock (_lock)
        {
            if (_disposed) return;
            _files = paths.Select(Path.GetFullPath).ToFrozenSet(StringComparer.Ordinal);
            var directories = _files.Select(f => Path.GetDirectoryName(f)!).ToHashSet(StringComparer.Ordinal);
            foreach (var gone in _watchers.Keys.Where(d => !directories.Contains(d)).ToList())
            {
                _watchers.Remove(gone, out var w);
                w!.Dispose();
            }
            foreach (var directory in directories.Where(d => !_watchers.ContainsKey(d) && Directory.Exists(d)))
            {
                var watcher = new FileSystemWatcher(directory)
                {
                    NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
                    IncludeSubdirectories = false,
                };
                watcher.Changed += OnEvent;
                watcher.Created += OnEvent;
                watcher.Renamed += OnEvent;
                watcher.EnableRaisingEvents = true;
                _watchers[directory] = watcher;
            }
        }
    }

    private void OnEvent(object sender, FileSystemEventArgs e)
    {
        if (!Volatile.Read(ref _files).Contains(e.FullPath)) return;
        FileChanged(_logger, _what, e.FullPath, e.ChangeType.ToString());
        lock (_lock)
        {
            if (!_disposed) _timer.Change(_debounce, Timeout.InfiniteTimeSpan); // restart the quiet period
        }
    }

    private async Task FireAsync()
    {
        try
        {
            await _onChanged().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            ReloadFailed(_logger, _what, e);
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _timer.Dispose();
            foreach (var w in _watchers.Values) w.Dispose();
            _watchers.Clear();
        }
    }

    [LoggerMessage(EventIds.PluginFileChanged, LogLevel.Debug, "{What} file {Path}: {Change}")]
    private static partial void FileChanged(ILogger logger, string what, string path, string change);

    [LoggerMessage(EventIds.PluginFileChanged, LogLevel.Error, "reload after a {What} file change failed")]
    private static partial void ReloadFailed(ILogger logger, string what, Exception exception);
}
