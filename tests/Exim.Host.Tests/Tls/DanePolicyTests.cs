using Exim.Abstractions.Resolution;
using Exim.Mail.Tls.Dane;

namespace Exim.Host.Tests.Tls;

/// <summary>Exim's check_force_dane_conn and smtp_setup_conn decisions, for every lookup outcome, with and without hosts_require_dane.</summary>
public sealed class DanePolicyTests
{
    private static readonly TlsaRecord Usable = new("_25._tcp.mx.example", TimeSpan.Zero, 3, 1, 1, [.. new byte[32]]);

    [Theory]
    [InlineData("NotApplicable", false, "None", null)]
    [InlineData("NotApplicable", true, "Fail", "DANE error: mx.example lookup not DNSSEC")]
    [InlineData("NoRecords", false, "None", null)]
    [InlineData("NoRecords", true, "Fail", "DANE error: tlsa lookup FAIL")]
    [InlineData("Insecure", false, "None", null)]
    [InlineData("Insecure", true, "Fail", "DANE error: tlsa lookup FAIL")]
    [InlineData("Unusable", false, "EncryptOnly", null)]
    [InlineData("Unusable", true, "Defer", "DANE error: No usable TLSA records")]
    [InlineData("Records", false, "Verify", null)]
    [InlineData("Records", true, "Verify", null)]
    [InlineData("Again", false, "Defer", "DANE error: tlsa lookup DEFER")]
    [InlineData("Again", true, "Defer", "DANE error: tlsa lookup DEFER")]
    [InlineData("Failed", false, "Defer", "DANE error: tlsa lookup DEFER")]
    [InlineData("Failed", true, "Fail", "DANE error: tlsa lookup FAIL")]
    public void Decide_FollowsExim(string lookupStatus, bool required, string mode, string? message)
    {
        var status = Enum.Parse<DaneLookupStatus>(lookupStatus);
        var lookup = new DaneLookupResult(status, "_25._tcp.mx.example", status == DaneLookupStatus.Records ? [Usable] : []) { BaseDomain = "mx.example" };

        var decision = DanePolicy.Decide(lookup, required);

        Assert.Equal((mode, message), (decision.Mode.ToString(), decision.Message));
    }

    [Fact]
    public void Verify_NamesTheBaseDomain_ThenASecureMxNameThatDiffers()
    {
        var lookup = new DaneLookupResult(DaneLookupStatus.Records, "_25._tcp.target.example", [Usable]) { BaseDomain = "target.example" };

        Assert.Equal<string>(["target.example", "mx.example"], DanePolicy.Decide(lookup, false, "mx.example.").Names);
        Assert.Equal<string>(["target.example"], DanePolicy.Decide(lookup, false, "Target.Example").Names);
        Assert.Equal<string>(["target.example"], DanePolicy.Decide(lookup, false).Names);
        Assert.Equal<TlsaRecord>([Usable], DanePolicy.Decide(lookup, false).Records);
    }
}
