using Exim.TestKit;

namespace Exim.Host.Tests.Scripting;

/// <summary>Scripts as <c>exim -bV</c> compiles them: every error with file(line,col), the guard rails, and the on-disk cache.</summary>
public sealed class ScriptCompileTests
{
    private static async Task<(int ExitCode, string Stdout, string Stderr, TempDirectory Dir)> CheckAsync(string accept, string? childExit = null, TempDirectory? dir = null)
    {
        dir ??= new TempDirectory("exim-scripts");
        dir.Write("scripts/accept.csx", accept);
        if (childExit is not null) dir.Write("scripts/child-exit.csx", childExit);
        var config = dir.Write("exim.toml", TestDaemon.SmtpConfig() + HookDaemon.Hooks("scripts/accept.csx", childExit is null ? null : "scripts/child-exit.csx"));
        var (code, stdout, stderr) = await EximProcess.RunAsync(dir.Path, "-C", config, "-bV");
        return (code, stdout, stderr, dir);
    }

    [Fact]
    public async Task CompileErrors_AllReported_AsFileLineColumn_Exit1()
    {
        var (code, _, stderr, dir) = await CheckAsync("var a = 1;\nvar b = a.Lenght;\nreturn Verdict.Accept;\n", "int x = \"text\";\nFoo();\n");
        using var cleanup = dir;

        Assert.Equal(1, code);
        Assert.Contains("scripts/accept.csx(2,11): error CS1061: 'int' does not contain a definition for 'Lenght'", stderr, StringComparison.Ordinal);
        Assert.Contains("scripts/child-exit.csx(1,9): error CS0029: Cannot implicitly convert type 'string' to 'int'", stderr, StringComparison.Ordinal);
        Assert.Contains("scripts/child-exit.csx(2,1): error CS0103: The name 'Foo' does not exist in the current context", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("#r \"System.IO.dll\"\nreturn Verdict.Accept;", "scripts/accept.csx(1,1): error CS7099")]
    [InlineData("#load \"other.csx\"\nreturn Verdict.Accept;", "scripts/accept.csx(1,1): error CS8099")]
    [InlineData("var text = System.IO.File.ReadAllText(\"/etc/passwd\");\nreturn Verdict.Accept;", "scripts/accept.csx(1,27): error EXIM001: 'System.IO.File.ReadAllText(string)' is not allowed in hook scripts (System.IO)")]
    [InlineData("Environment.Exit(3);\nreturn Verdict.Accept;", "scripts/accept.csx(1,13): error EXIM001: 'System.Environment.Exit(int)' is not allowed in hook scripts (System.Environment)")]
    [InlineData("System.Threading.Thread.Sleep(1000);\nreturn Verdict.Accept;", "error EXIM001: 'System.Threading.Thread' is not allowed in hook scripts (System.Threading)")]
    [InlineData("var t = typeof(string).Assembly.GetTypes();\nreturn Verdict.Accept;", "is not allowed in hook scripts (System.Reflection)")]
    [InlineData("dynamic d = 1;\nreturn Verdict.Accept;", "scripts/accept.csx(1,1): error CS1980")] // no Microsoft.CSharp: dynamic cannot bind
    [InlineData("again: goto again;", "error EXIM001: goto is not allowed in hook scripts")]
    public async Task GuardRails_RefuseWhatAPolicyScriptHasNoBusinessDoing(string script, string expected)
    {
        var (code, _, stderr, dir) = await CheckAsync(script);
        using var cleanup = dir;

        Assert.Equal(1, code);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AllowedApis_Compile()
    {
        var (code, stdout, stderr, dir) = await CheckAsync("""
            var sw = System.Diagnostics.Stopwatch.StartNew();
            var n = System.Threading.Interlocked.Increment(ref Counter.Value);
            var re = new System.Text.RegularExpressions.Regex("^mail[0-9]+\\.");
            var ok = re.IsMatch(Connection.HostName ?? "") && Cancellation.CanBeCanceled && Main.GetList("local_domains").Length > 0;
            await Task.Yield();
            return ok ? Verdict.Accept : Verdict.Defer($"n={n} {sw.ElapsedTicks >= 0}");
            static class Counter { public static int Value; }
            """);
        using var cleanup = dir;

        Assert.True(code == 0, stderr);
        Assert.Contains("Hook accept: scripts/accept.csx (compiled), timeout 200 ms", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnchangedScript_IsLoadedFromTheCache_WithoutCompiling_AndAChangeCompilesAgain()
    {
        var (code, stdout, stderr, dir) = await CheckAsync("return Verdict.Accept;");
        using var cleanup = dir;
        Assert.True(code == 0, stderr);
        Assert.Contains("(compiled)", stdout, StringComparison.Ordinal);
        Assert.Single(Directory.GetFiles(dir.Combine("spool", "db", "scripts"), "*.dll"));

        (code, stdout, stderr, _) = await CheckAsync("return Verdict.Accept;", dir: dir);
        Assert.True(code == 0, stderr);
        Assert.Contains("Hook accept: scripts/accept.csx (from the compiled-script cache)", stdout, StringComparison.Ordinal);

        (code, stdout, stderr, _) = await CheckAsync("return Verdict.Reject();", dir: dir);
        Assert.True(code == 0, stderr);
        Assert.Contains("(compiled)", stdout, StringComparison.Ordinal);
        Assert.Equal(2, Directory.GetFiles(dir.Combine("spool", "db", "scripts"), "*.dll").Length);
    }

    [Fact]
    public async Task CorruptCacheEntry_IsCompiledAgain()
    {
        var (code, _, stderr, dir) = await CheckAsync("return Verdict.Accept;");
        using var cleanup = dir;
        Assert.True(code == 0, stderr);
        var entry = Assert.Single(Directory.GetFiles(dir.Combine("spool", "db", "scripts"), "*.dll"));
        File.WriteAllBytes(entry, [0x4D, 0x5A, 1, 2, 3]);

        (code, var stdout, stderr, _) = await CheckAsync("return Verdict.Accept;", dir: dir);

        Assert.True(code == 0, stderr);
        Assert.Contains("Hook accept: scripts/accept.csx (compiled)", stdout, StringComparison.Ordinal);
        Assert.True(new FileInfo(entry).Length > 1000);
    }

    [Fact]
    public async Task MissingScript_IsAConfigurationError()
    {
        using var dir = new TempDirectory("exim-scripts");
        var config = dir.Write("exim.toml", TestDaemon.SmtpConfig() + HookDaemon.Hooks("scripts/none.csx"));

        var (code, _, stderr) = await EximProcess.RunAsync(dir.Path, "-C", config, "-bV");

        Assert.Equal(1, code);
        Assert.Contains("[hooks] accept: cannot read script", stderr, StringComparison.Ordinal);
    }
}
