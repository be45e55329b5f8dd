using Exim.TestKit;

namespace Exim.Host.Tests.Generations;

/// <summary>
/// Generations against a real <c>exim -bd</c>: the test plugin's daemon loop writes which version and generation
/// are answering, so every assertion is about what the running daemon actually serves.
/// </summary>
public sealed class DaemonReloadTests
{
    private sealed record Setup(TestDaemon Daemon, string PluginPath, string StatusFile) : IAsyncDisposable
    {
        public string Status => Wait.ReadShared(StatusFile).Trim();

        public Task WaitForStatusAsync(string expected) => Wait.UntilOrFailAsync(() => Status.StartsWith(expected, StringComparison.Ordinal),
            TestTimeouts.Default, () => $"status \"{expected}\", have \"{Status}\"\nmainlog:\n{Daemon.MainLog}\nstderr:\n{Daemon.Process.Stderr}");

        public ValueTask DisposeAsync() => Daemon.DisposeAsync();
    }

    private static async Task<Setup> StartWithV1Async(string extraConfig = "")
    {
        var dir = new TempDirectory("exim-reload");
        var plugin = TestPluginFiles.Deploy(TestPluginFiles.V1, dir.Combine("plugins", "test"));
        var status = dir.Combine("status");
        var daemon = await TestDaemon.StartAsync(TestPluginFiles.Config(plugin, status, extraConfig), dir);
        var setup = new Setup(daemon, plugin, status);
        await setup.WaitForStatusAsync("version=1.0.0 generation=1");
        return setup;
    }

    [Fact]
    public async Task Startup_LogsTheStartLineAndFirstGeneration()
    {
        await using var s = await StartWithV1Async();

        Assert.Matches($@"\d{{4}}-\d\d-\d\d \d\d:\d\d:\d\d exim 4\.96 daemon started: pid={s.Daemon.Process.Pid}, no queue runs, not listening for SMTP", s.Daemon.MainLog);
        Assert.Contains("generation 1 started from", s.Daemon.MainLog, StringComparison.Ordinal);
        Assert.Contains("plugins test=Exim.TestPlugin 1.0.0", s.Daemon.MainLog, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sighup_WithConfigNamingV2_SwapsAndCollectsTheOldContext()
    {
        await using var s = await StartWithV1Async();
        var v2 = TestPluginFiles.Deploy(TestPluginFiles.V2, s.Daemon.Directory.Combine("plugins", "test-v2"));
        File.WriteAllText(s.Daemon.ConfigPath, TestPluginFiles.Config(v2, s.StatusFile));

        s.Daemon.Process.Signal(Signals.SIGHUP);

        await s.WaitForStatusAsync("version=2.0.0 generation=2");
        await s.Daemon.WaitForLogAsync("configuration reloaded (SIGHUP): generation 1 -> 2");
        await s.Daemon.WaitForLogAsync("generation 1 collected: 1 plugin and script load context(s) unloaded");
        Assert.Contains($"pid {s.Daemon.Process.Pid}: SIGHUP received", s.Daemon.MainLog, StringComparison.Ordinal);
        Assert.False(s.Daemon.Process.HasExited);
    }

    [Fact]
    public async Task Sighup_WithUnchangedFiles_StillPublishesAFreshGeneration()
    {
        await using var s = await StartWithV1Async();

        s.Daemon.Process.Signal(Signals.SIGHUP);

        await s.WaitForStatusAsync("version=1.0.0 generation=2");
        await s.Daemon.WaitForLogAsync("generation 1 collected");
    }

    [Fact]
    public async Task Sighup_WithPluginOptionChanged_ReachesThePlugin()
    {
        await using var s = await StartWithV1Async();
        File.WriteAllText(s.Daemon.ConfigPath, TestPluginFiles.Config(s.PluginPath, s.StatusFile).Replace(
            "status_file", "greeting = \"bonjour\"\nstatus_file", StringComparison.Ordinal));

        s.Daemon.Process.Signal(Signals.SIGHUP);

        await s.WaitForStatusAsync("version=1.0.0 generation=2 greeting=bonjour");
    }

    [Fact]
    public async Task Sighup_WithBrokenConfig_KeepsTheRunningGenerationAndLogsErrorsWithPositions()
    {
        await using var s = await StartWithV1Async();
        File.WriteAllText(s.Daemon.ConfigPath, TestPluginFiles.Config(s.PluginPath, s.StatusFile) + "\nsmtp_accept_max = = 3\n");

        s.Daemon.Process.Signal(Signals.SIGHUP);

        await s.Daemon.WaitForLogAsync("reload (SIGHUP) rejected with");
        var expected = $"configuration error: {s.Daemon.ConfigPath}:8:";
        Assert.Contains(expected, s.Daemon.MainLog, StringComparison.Ordinal);
        await s.Daemon.WaitForPanicLogAsync(expected);
        await s.Daemon.WaitForPanicLogAsync("generation 1 stays in force");
        Assert.Equal("version=1.0.0 generation=1 greeting=hello", s.Status);
        Assert.False(s.Daemon.Process.HasExited);

        // A good config afterwards is taken up as usual.
        File.WriteAllText(s.Daemon.ConfigPath, TestPluginFiles.Config(s.PluginPath, s.StatusFile));
        s.Daemon.Process.Signal(Signals.SIGHUP);
        await s.WaitForStatusAsync("version=1.0.0 generation=2");
    }

    [Fact]
    public async Task Sighup_WithUnknownPluginOption_IsRejectedWithItsPosition()
    {
        await using var s = await StartWithV1Async();
        File.WriteAllText(s.Daemon.ConfigPath, TestPluginFiles.Config(s.PluginPath, s.StatusFile) + "\ncolour = \"blue\"\n");

        s.Daemon.Process.Signal(Signals.SIGHUP);

        await s.Daemon.WaitForLogAsync("reload (SIGHUP) rejected with 1 error(s): generation 1 stays in force");
        await s.Daemon.WaitForPanicLogAsync($"{s.Daemon.ConfigPath}:8:1: unknown option \"colour\" in [plugins.test]");
        Assert.Equal("version=1.0.0 generation=1 greeting=hello", s.Status);
    }

    public enum Deployment { InPlace, Copy, Rename }

    [Theory]
    [InlineData(Deployment.InPlace)]
    [InlineData(Deployment.Copy)]
    [InlineData(Deployment.Rename)]
    public async Task PluginFileReplaced_IsReloadedWithoutASignal(Deployment how)
    {
        await using var s = await StartWithV1Async();

        Replace(s.PluginPath, File.ReadAllBytes(TestPluginFiles.V2), how);

        await s.WaitForStatusAsync("version=2.0.0 generation=2");
        await s.Daemon.WaitForLogAsync("configuration reloaded (plugin file change): generation 1 -> 2");
        await s.Daemon.WaitForLogAsync("generation 1 collected");
    }

    [Fact]
    public async Task TruncatedPluginFile_NeverReplacesTheWorkingPlugin_AndAGoodFileRecovers()
    {
        await using var s = await StartWithV1Async();

        Replace(s.PluginPath, File.ReadAllBytes(TestPluginFiles.V2).AsSpan(0, 100).ToArray(), Deployment.InPlace);

        await s.Daemon.WaitForLogAsync("reload (plugin file change) rejected with 1 error(s): generation 1 stays in force");
        await s.Daemon.WaitForPanicLogAsync($"plugin \"test\": cannot load {s.PluginPath}: BadImageFormatException");
        Assert.Equal("version=1.0.0 generation=1 greeting=hello", s.Status);

        Replace(s.PluginPath, File.ReadAllBytes(TestPluginFiles.V2), Deployment.Copy);

        await s.WaitForStatusAsync("version=2.0.0 generation=2");
    }

    [Fact]
    public async Task PluginThatThrowsWhileRegistering_IsRejected_OldOneKeepsServing()
    {
        await using var s = await StartWithV1Async();

        Replace(s.PluginPath, File.ReadAllBytes(TestPluginFiles.Throwing), Deployment.Rename);

        await s.Daemon.WaitForLogAsync("rejected with 1 error(s): generation 1 stays in force");
        await s.Daemon.WaitForPanicLogAsync("InvalidOperationException: test plugin refuses to register");
        Assert.Equal("version=1.0.0 generation=1 greeting=hello", s.Status);
        Assert.False(s.Daemon.Process.HasExited);
    }

    [Fact]
    public async Task Sigterm_StopsCleanlyWithExitZero()
    {
        await using var s = await StartWithV1Async();

        var code = await s.Daemon.StopAsync();

        Assert.Equal(0, code);
        Assert.Contains($"pid {s.Daemon.Process.Pid}: SIGTERM received: daemon shutting down", s.Daemon.MainLog, StringComparison.Ordinal);
        Assert.Contains($"pid {s.Daemon.Process.Pid}: daemon stopped", s.Daemon.MainLog, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Startup_WithBadConfig_ExitsWithErrorsOnStderr()
    {
        using var dir = new TempDirectory();
        var config = dir.Write("exim.toml", "spool_directory = \"spool\"\nsmtp_accept_max = -1\n");

        var (code, _, stderr) = await EximProcess.RunAsync(dir.Path, "-C", config, "-bd");

        Assert.Equal(1, code);
        Assert.Contains($"{config}:2:1: invalid value for \"smtp_accept_max\": -1 is below the minimum of 0", stderr, StringComparison.Ordinal);
    }

    private static void Replace(string path, byte[] bytes, Deployment how)
    {
        switch (how)
        {
            case Deployment.InPlace:
                // Overwrite the existing file's contents through the same inode, as `cat new > old` does.
                using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
                {
                    stream.Write(bytes);
                    stream.SetLength(bytes.Length);
                }
                break;
            case Deployment.Copy:
                var source = Path.GetTempFileName();
                File.WriteAllBytes(source, bytes);
                File.Copy(source, path, overwrite: true);
                File.Delete(source);
                break;
            case Deployment.Rename:
                var temp = path + ".new";
                File.WriteAllBytes(temp, bytes);
                File.Move(temp, path, overwrite: true);
                break;
        }
    }
}
