namespace Exim.Host.Tests.Routing;

/// <summary>-bv's input forms and its output for a caller who is not an admin user, as exim.c's test_address and verify.c.</summary>
public sealed class BvOutputTests(VerifyFixture fixture) : IClassFixture<VerifyFixture>
{
    [Fact]
    public async Task Bv_SplitsCommaListsAndTakesNamedAddresses_AsTestAddressDoes()
    {
        var (code, stdout, stderr) = await fixture.Host.RunEximAsync("-bv", "alice@test.example, Bob <bob@test.example>,mallory@test.example", "<>");

        Assert.True(code == 2, stderr);
        Assert.Equal("""
            alice@test.example verified
            bob@test.example verified
            mallory@test.example failed to verify: Unknown user
            syntax error: empty address

            """.Replace("\r\n", "\n", StringComparison.Ordinal), stdout);
    }

    [Fact]
    public async Task Bv_WithoutArguments_ReadsAddressesFromStdin()
    {
        var (code, stdout, stderr) = await fixture.Host.RunEximWithInputAsync("alice@test.example\n<bob@test.example>\n", "-bv");

        Assert.True(code == 0, stderr);
        Assert.Equal("alice@test.example verified\nbob@test.example verified\n", stdout);
    }

    [Fact]
    public async Task Bv_ForACallerWhoIsNotAnAdminUser_LeavesOutTheReason()
    {
        var (code, stdout, stderr) = await fixture.Host.RunEximAsNobodyAsync("-bv", "alice@test.example", "mallory@test.example", "x@x.broken.test");

        Assert.True(code == 2, stderr);
        Assert.Equal("""
            alice@test.example verified
            mallory@test.example failed to verify
            x@x.broken.test cannot be resolved at this time

            """.Replace("\r\n", "\n", StringComparison.Ordinal), stdout);
    }
}
