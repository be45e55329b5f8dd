using System.Diagnostics;
using System.Reflection;
using Exim.Abstractions.Config;
using Exim.Host.Log;
using Microsoft.Extensions.Logging;

namespace Exim.Host.Scripting;

/// <summary>
/// Loads one script for a generation: from the disk cache when its key is there, else through the compiler (the
/// only path that loads Roslyn), then into a fresh collectible context. A cached image that will not load
/// (truncated, corrupt) is compiled again.
/// </summary>
internal static partial class ScriptLoader
{
    private const string ClassName = "Submission#0";
    private const string FactoryName = "<Factory>";

    public static CompiledScript<TResult>? Load<TResult>(ScriptKind kind, string fullPath, EximConfig config, ScriptCache cache, long generation,
        ILogger logger, List<ConfigDiagnostic> errors)
    {
        ScriptSource source;
        try
        {
            source = ScriptSource.Read(fullPath, config.ConfigDirectory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            errors.Add(new ConfigDiagnostic(config.SourcePath, 0, 0, $"[hooks] {kind.Name}: cannot read script {fullPath}: {e.Message}"));
            return null;
        }

        var started = Stopwatch.GetTimestamp();
        var key = ScriptCache.KeyFor(source, kind);
        if (cache.TryRead(key) is { } cached && TryInstantiate<TResult>(kind, source, cached, generation, fromCache: true) is { } hit)
        {
            ScriptLoaded(logger, kind.Name, source.DisplayPath, "loaded from cache", Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return hit;
        }

        var compiled = ScriptCompiler.Compile(source, kind, $"hook-{kind.Name}-{key[..16]}");
        if (!compiled.Succeeded)
        {
            errors.AddRange(compiled.Errors);
            return null;
        }
        if (cache.TryWrite(key, compiled.Image!) is { } writeError) CacheWriteFailed(logger, source.DisplayPath, cache.Directory, writeError);
        var script = TryInstantiate<TResult>(kind, source, compiled.Image!, generation, fromCache: false);
        if (script is null)
        {
            errors.Add(new ConfigDiagnostic(source.DisplayPath, 0, 0, "the compiled script could not be loaded"));
            return null;
        }
        ScriptLoaded(logger, kind.Name, source.DisplayPath, "compiled", Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return script;
    }

    private static CompiledScript<TResult>? TryInstantiate<TResult>(ScriptKind kind, ScriptSource source, byte[] image, long generation, bool fromCache)
    {
        var context = new ScriptLoadContext($"script:{kind.Name}:{generation}");
        try
        {
            using var stream = new MemoryStream(image, writable: false);
            var assembly = context.LoadFromStream(stream);
            var factory = assembly.GetType(ClassName, throwOnError: true)!
                .GetMethod(FactoryName, BindingFlags.Public | BindingFlags.Static)!
                .CreateDelegate<Func<object[], Task<TResult>>>();
            return new CompiledScript<TResult>(source, factory, context, fromCache);
        }
        catch (Exception e) when (e is BadImageFormatException or TypeLoadException or ArgumentException or NullReferenceException or FileLoadException)
        {
            context.Unload();
            return null;
        }
    }

    [LoggerMessage(EventIds.ScriptLoaded, LogLevel.Information, "hook {Kind}: {Path} {How} in {Milliseconds:F0} ms")]
    private static partial void ScriptLoaded(ILogger logger, string kind, string path, string how, double milliseconds);

    [LoggerMessage(EventIds.ScriptCacheWriteFailed, LogLevel.Warning, "hook script {Path}: cannot write the compiled image to {Directory}: {Error} (it will be compiled again at the next start)")]
    private static partial void CacheWriteFailed(ILogger logger, string path, string directory, string error);
}
