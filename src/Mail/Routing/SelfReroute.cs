using System.Diagnostics.CodeAnalysis;

namespace Exim.Mail.Routing;

/// <summary>The <c>self = reroute:[rewrite:]&lt;domain&gt;</c> value, parsed as Exim's router initialisation does (spaces allowed after each colon).</summary>
/// <param name="Domain">The domain the address moves to.</param>
/// <param name="RewriteHeaders">Header addresses are rewritten too.</param>
internal sealed record SelfReroute(string Domain, bool RewriteHeaders)
{
    public static bool TryParse(string value, [NotNullWhen(true)] out SelfReroute? reroute)
    {
        reroute = null;
        if (!value.StartsWith("reroute:", StringComparison.Ordinal)) return false;
        var rest = value["reroute:".Length..].TrimStart();
        var rewrite = rest.StartsWith("rewrite:", StringComparison.Ordinal);
        if (rewrite) rest = rest["rewrite:".Length..].TrimStart();
        rest = rest.Trim();
        if (rest.Length == 0) return false;
        reroute = new SelfReroute(rest, rewrite);
        return true;
    }
}
