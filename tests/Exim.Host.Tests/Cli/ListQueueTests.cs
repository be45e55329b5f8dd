using System.Text;
using Exim.Host.Cli.Commands;
using Exim.TestKit;

namespace Exim.Host.Tests.Cli;

/// <summary><c>exim -bp</c>: ages, sizes and the id selection as Exim's queue_list prints them.</summary>
public sealed class ListQueueTests
{
    private const string Id = "1xVuNW-1YoJY9-0n";
    private const string Other = "1xVuNX-1YoJY9-0o";

    [Theory]
    [InlineData(0, " 0m")]
    [InlineData(59, " 0m")]
    [InlineData(60, " 1m")]
    [InlineData(90 * 60 + 59, "90m")]      // 90 minutes is still minutes
    [InlineData(91 * 60, " 2h")]           // over 90: hours, rounded to the nearest
    [InlineData(149 * 60 + 59, " 2h")]
    [InlineData(150 * 60, " 3h")]
    [InlineData(72 * 60 * 60 + 29 * 60 + 59, "72h")] // 72h29m rounds to 72h
    [InlineData(72 * 60 * 60 + 30 * 60, " 3d")]      // 72h30m rounds to 73h: days, (73 + 12) / 24
    [InlineData(83 * 60 * 60 + 30 * 60, " 4d")]      // 84h: (84 + 12) / 24
    [InlineData(2400 * 60 * 60, "100d")]
    [InlineData(-59, " 0m")]               // a clock step back: C's division truncates towards zero
    [InlineData(-60, "-1m")]
    public void Age_RoundsAsEximsQueueList(long seconds, string expected)
        => Assert.Equal(expected, ListQueueCommand.Age(TimeSpan.FromSeconds(seconds)));

    [Theory]
    [InlineData(0, "     ")]
    [InlineData(1, "    1")]
    [InlineData(1023, " 1023")]
    [InlineData(1024, " 1.0K")]
    [InlineData(1280, " 1.2K")]            // 1.25: printf rounds a tie to even
    [InlineData(1331, " 1.3K")]
    [InlineData(10 * 1024 - 1, "10.0K")]
    [InlineData(10 * 1024, "  10K")]
    [InlineData(10 * 1024 + 511, "  10K")]
    [InlineData(10 * 1024 + 512, "  11K")] // rounded, not truncated
    [InlineData(1024 * 1024 - 1, "1024K")]
    [InlineData(1024 * 1024, " 1.0M")]
    [InlineData(10 * 1024 * 1024 + 512 * 1024, "  11M")]
    public void Size_FormatsAsEximsStringFormatSize(long bytes, string expected)
        => Assert.Equal(expected, ListQueueCommand.Size(bytes));

    [Fact]
    public async Task ListQueue_SizeIsHeadersPlusBody_AndIdsSelectTheMessagesListed()
    {
        using var dir = new TempDirectory();
        var config = dir.Write("exim.toml", "spool_directory = \"spool\"");
        var input = Directory.CreateDirectory(dir.Combine("spool", "input")).FullName;
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        // Headers of 18 and 19 bytes and a body of 900: Exim counts 18 + 19 + 1 (the blank line) + 900 = 938, not the file sizes.
        Spool(input, Id, now - (130 * 60), ["From: a@b.example\n", "Subject: hello you\n"], 900, "to@x.example");
        Spool(input, Other, now - 60, ["Subject: x\n"], 2000, "other@x.example"); // 11 + 1 + 2000 = 2012 bytes

        var all = await EximProcess.RunAsync(dir.Path, "-C", config, "-bp");
        var selected = await EximProcess.RunAsync(dir.Path, "-C", config, "-bp", Id, "1xVuNZ-000000-00");

        Assert.Equal(0, all.ExitCode);
        Assert.Equal($" 2h   938 {Id} <s@a.example>\n          to@x.example\n\n 1m  2.0K {Other} <s@a.example>\n          other@x.example\n\n", all.Stdout);
        Assert.Equal(0, selected.ExitCode);
        Assert.Equal($" 2h   938 {Id} <s@a.example>\n          to@x.example\n\n"
            + "      1xVuNZ-000000-00\n    *** spool read error: No such file or directory ***\n\n", selected.Stdout);
    }

    [Fact]
    public async Task ListQueue_UndeliveredOnlyAndPlusGenerated_FollowTheNonRecipientsTree()
    {
        using var dir = new TempDirectory();
        var config = dir.Write("exim.toml", "spool_directory = \"spool\"");
        var input = Directory.CreateDirectory(dir.Combine("spool", "input")).FullName;
        // Delivered: the envelope's a@x.example and two addresses generated from it (as Exim's tree of non-recipients holds them).
        Spool(input, Id, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), ["Subject: x\n"], 10, ["a@x.example", "b@x.example"],
            "YY g2@y.example\nNN a@x.example\nNN g1@y.example\n");

        var basic = await EximProcess.RunAsync(dir.Path, "-C", config, "-bp");
        var undelivered = await EximProcess.RunAsync(dir.Path, "-C", config, "-bpu");
        var generated = await EximProcess.RunAsync(dir.Path, "-C", config, "-bpra");

        const string First = $" 0m    22 {Id} <s@a.example>\n";
        Assert.Equal(First + "        D a@x.example\n          b@x.example\n\n", basic.Stdout);
        Assert.Equal(First + "          b@x.example\n\n", undelivered.Stdout);
        Assert.Equal(First + "        D a@x.example\n          b@x.example\n       +D g1@y.example\n       +D g2@y.example\n\n", generated.Stdout);
    }

    /// <summary>Writes a message as Exim's spool has it: -H with the headers, -D with the id line and the body.</summary>
    private static void Spool(string input, string id, long received, string[] headers, int body, string recipient)
        => Spool(input, id, received, headers, body, [recipient], "XX\n");

    /// <summary>As above, with several recipients and a tree of non-recipients (<c>XX</c> for none).</summary>
    private static void Spool(string input, string id, long received, string[] headers, int body, string[] recipients, string tree)
    {
        var lines = string.Concat(headers.Select(t => $"{t.Length:000}  {t}"));
        var h = $"{id}-H\nexim 0 0\n<s@a.example>\n{received} 0\n-received_protocol esmtp\n{tree}{recipients.Length}\n"
            + string.Concat(recipients.Select(r => r + "\n")) + $"\n{lines}";
        File.WriteAllText(Path.Combine(input, id + "-H"), h, Encoding.Latin1);
        File.WriteAllText(Path.Combine(input, id + "-D"), id + "-D\n" + new string('b', body), Encoding.Latin1);
    }
}
