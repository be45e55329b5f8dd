using System.Globalization;
using System.Text;

namespace Exim.TestKit;

/// <summary>
/// A DNS zone signed at test time with a fresh key (ldns-keygen and ldns-signzone, from Debian's ldnsutils): ECDSA
/// P-256 (algorithm 13), NSEC, signatures valid from a day ago for thirty days. Serve <see cref="File"/> with
/// <see cref="DnsServer"/> and give <see cref="TrustAnchor"/> to a <see cref="ValidatingResolver"/>.
/// </summary>
/// <param name="Name">The zone's name, without a trailing dot.</param>
/// <param name="File">The signed zone file (an absolute path).</param>
/// <param name="TrustAnchor">The key's DS record in presentation form, as unbound's <c>trust-anchor</c> takes it.</param>
public sealed record SignedZone(string Name, string File, string TrustAnchor)
{
    /// <summary>Writes <paramref name="text"/> as zone <paramref name="name"/> in <paramref name="directory"/>, makes a key and signs the zone.</summary>
    /// <param name="directory">Where the zone, its key and the signed zone are written.</param>
    /// <param name="name">The zone's name.</param>
    /// <param name="text">The zone file's text; <c>$ORIGIN</c> is set to the zone.</param>
    /// <param name="breakSignaturesOf">
    /// Owner names (without the trailing dot) whose signatures are damaged after signing: a validating resolver finds
    /// their answers bogus. Every name makes the whole zone bogus, its DNSKEY set included.
    /// </param>
    public static async Task<SignedZone> CreateAsync(string directory, string name, string text, Func<string, bool>? breakSignaturesOf = null)
    {
        var zone = name.TrimEnd('.');
        var unsigned = Path.Combine(directory, zone + ".zone");
        await System.IO.File.WriteAllTextAsync(unsigned, $"$ORIGIN {zone}.\n{text}\n");
        var key = (await ServiceProcess.RunAsync("ldns-keygen", "ldnsutils", directory, "-a", "ECDSAP256SHA256", "-k", zone)).Trim();
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var signed = Path.Combine(directory, zone + ".signed");
        await ServiceProcess.RunAsync("ldns-signzone", "ldnsutils", directory,
            "-i", (now - 86400).ToString(CultureInfo.InvariantCulture), "-e", (now + 30 * 86400).ToString(CultureInfo.InvariantCulture),
            "-f", signed, unsigned, key);
        if (breakSignaturesOf is not null) await BreakSignaturesAsync(signed, breakSignaturesOf);
        var ds = (await System.IO.File.ReadAllTextAsync(Path.Combine(directory, key + ".ds"))).Trim();
        return new SignedZone(zone, signed, ds);
    }

    /// <summary>Changes one character of the signature of each RRSIG owned by a chosen name: still valid base64, no longer a valid signature.</summary>
    private static async Task BreakSignaturesAsync(string path, Func<string, bool> owners)
    {
        var output = new StringBuilder();
        var broken = 0;
        foreach (var line in await System.IO.File.ReadAllLinesAsync(path))
        {
            var fields = line.Split('\t');
            if (fields.Length >= 5 && fields[3] == "RRSIG" && owners(fields[0].TrimEnd('.')))
            {
                var rdata = fields[4].ToCharArray();
                var at = rdata.Length - 20; // inside the base64 signature, before any '=' padding
                rdata[at] = rdata[at] == 'A' ? 'B' : 'A';
                fields[4] = new string(rdata);
                broken++;
            }
            output.Append(string.Join('\t', fields)).Append('\n');
        }
        if (broken == 0) throw new InvalidOperationException($"no signature to break in {path}");
        await System.IO.File.WriteAllTextAsync(path, output.ToString());
    }
}
