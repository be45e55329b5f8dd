using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Exim.Abstractions.Scripting;

namespace Exim.Host.Scripting;

/// <summary>
/// Compiled scripts on disk (<c>&lt;spool&gt;/db/scripts/&lt;sha256&gt;.dll</c>), keyed by everything that changes the
/// output: the source, the script kind, the contract assembly's MVID, the compiler version (a build-time constant,
/// so computing the key never loads Roslyn) and the version of our own rewriting and guard rails. A restart with
/// unchanged scripts loads the image and never starts the compiler. Writes are tmp + rename; at most
/// <see cref="MaxEntries"/> entries are kept, the least recently used going first.
/// </summary>
internal sealed class ScriptCache(string directory)
{
    /// <summary>Bump when BudgetRewriter, ScriptGuard or the compile options change what is emitted.</summary>
    private const string PipelineVersion = "hooks-3";
    private const int MaxEntries = 64;

    private static readonly string ContractVersion = typeof(ScriptGlobals).Assembly.ManifestModule.ModuleVersionId.ToString("N");

    private static readonly string CompilerVersion = typeof(ScriptCache).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .FirstOrDefault(a => a.Key == "RoslynVersion")?.Value ?? "unknown";

    public string Directory { get; } = directory;

    public static string KeyFor(ScriptSource source, ScriptKind kind)
    {
        var material = string.Join('\n', PipelineVersion, kind.Name, ContractVersion, CompilerVersion, Environment.Version.ToString(), source.Text);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(material)));
    }

    public byte[]? TryRead(string key)
    {
        var path = PathFor(key);
        try
        {
            var image = File.ReadAllBytes(path);
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow); // recently used
            return image;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Stores an image; a failure to write only costs a compile on the next start, so it is reported, not thrown.</summary>
    public string? TryWrite(string key, byte[] image)
    {
        var path = PathFor(key);
        var temp = $"{path}.{Environment.ProcessId}.tmp";
        try
        {
            System.IO.Directory.CreateDirectory(Directory);
            File.WriteAllBytes(temp, image);
            File.Move(temp, path, overwrite: true);
            Prune();
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            return e.Message;
        }
    }

    private string PathFor(string key) => Path.Combine(Directory, key + ".dll");

    private void Prune()
    {
        var entries = new DirectoryInfo(Directory).GetFiles("*.dll");
        if (entries.Length <= MaxEntries) return;
        foreach (var old in entries.OrderByDescending(f => f.LastWriteTimeUtc).Skip(MaxEntries))
        {
            try { old.Delete(); } catch (IOException) { }
        }
    }
}
