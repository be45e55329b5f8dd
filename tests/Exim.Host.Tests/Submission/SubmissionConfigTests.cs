using Exim.Host.Configuration;
using Exim.Host.Submission;

namespace Exim.Host.Tests.Submission;

public sealed class SubmissionConfigTests
{
    private const string Path = "/etc/exim/exim.toml";

    [Fact]
    public void LocalSenderRetain_WithLocalFromCheck_IsRefusedAsInExim()
    {
        var result = TomlConfigLoader.Parse("spool_directory = \"/var/spool/exim\"\nlocal_sender_retain = true\n", Path);
        var error = Assert.Single(result.Errors);
        Assert.Equal((Path, 2), (error.File, error.Line));
        Assert.Equal("both local_from_check and local_sender_retain are set; this combination is not permitted", error.Message);
        Assert.Empty(TomlConfigLoader.Parse("local_sender_retain = true\nlocal_from_check = false\n", Path).Errors);
    }

    [Fact]
    public void UntrustedSetSender_RefusesLookupsAndFiles()
    {
        var result = TomlConfigLoader.Parse("untrusted_set_sender = [\"*@lists.example\", \"/etc/exim/senders\"]\n", Path);
        Assert.Contains("\"/etc/exim/senders\" is a file or lookup item", Assert.Single(result.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SubmissionSocket_DefaultsToAnAbstractNamePerSpool_AndAPathIsTakenFromTheConfigDirectory()
    {
        var byDefault = TomlConfigLoader.Parse("spool_directory = \"/var/spool/exim\"\n", Path).Config!.Config.Main;
        Assert.Equal("@exim-submit:/var/spool/exim", SubmissionSocket.Name(byDefault));
        var deep = TomlConfigLoader.Parse($"spool_directory = \"/{new string('s', 120)}\"\n", Path).Config!.Config.Main;
        Assert.Matches("^@exim-submit:[0-9a-f]{64}$", SubmissionSocket.Name(deep));
        var relative = TomlConfigLoader.Parse("submission_socket = \"run/submit.sock\"\n", Path).Config!.Config.Main;
        Assert.Equal("/etc/exim/run/submit.sock", SubmissionSocket.Name(relative));
    }
}
