using System.Diagnostics;

namespace Exim.LoadGen.Peers;

/// <summary>
/// Debian's postfix package, unpacked (not installed) into <c>.tools/postfix</c> once with <c>apt-get download</c> and
/// <c>dpkg -x</c>: smtp-sink and smtp-source for the load and the ceiling, and the daemons for <see cref="PostfixServer"/>.
/// Its programs need Postfix's own libraries, which live beside them in the unpacked tree (<see cref="LibraryDirectory"/>).
/// </summary>
internal sealed class PostfixTree
{
    private PostfixTree(string directory) => Directory = directory;

    /// <summary>The unpacked tree (<c>.tools/postfix</c>).</summary>
    public string Directory { get; }

    public string LibraryDirectory => Path.Combine(Directory, "usr/lib/postfix");

    public string DaemonDirectory => Path.Combine(Directory, "usr/lib/postfix/sbin");

    public string CommandDirectory => Path.Combine(Directory, "usr/sbin");

    public static async Task<PostfixTree> EnsureAsync(string root)
    {
        var dir = Path.Combine(root, ".tools", "postfix");
        if (!File.Exists(Path.Combine(dir, "usr/sbin/smtp-sink")))
        {
            System.IO.Directory.CreateDirectory(dir);
            await RunAsync(dir, "apt-get", "download", "postfix");
            var deb = System.IO.Directory.GetFiles(dir, "postfix_*.deb").Single();
            await RunAsync(dir, "dpkg", "-x", deb, dir);
        }
        return new PostfixTree(dir);
    }

    /// <summary>A start of one of the tree's programs (<c>usr/sbin/NAME</c> or a daemon's full path), with its libraries.</summary>
    public ProcessStartInfo Start(string program, params string[] args)
    {
        var file = Path.IsPathRooted(program) ? program : Path.Combine(CommandDirectory, program);
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.Environment["LD_LIBRARY_PATH"] = LibraryDirectory;
        foreach (var a in args) psi.ArgumentList.Add(a);
        return psi;
    }

    /// <summary>A shell wrapper that runs smtp-sink with its libraries (for callers that take a file name).</summary>
    public string SmtpSinkWrapper()
    {
        var wrapper = Path.Combine(Directory, "smtp-sink");
        File.WriteAllText(wrapper, $"#!/bin/sh\nLD_LIBRARY_PATH='{LibraryDirectory}' exec '{Path.Combine(CommandDirectory, "smtp-sink")}' \"$@\"\n");
        File.SetUnixFileMode(wrapper, (UnixFileMode)0b111_101_101);
        return wrapper;
    }

    private static async Task RunAsync(string dir, string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = dir };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        await p.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed: {await p.StandardError.ReadToEndAsync()}");
    }
}
