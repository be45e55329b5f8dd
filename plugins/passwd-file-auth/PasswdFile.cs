using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Exim.Abstractions.Config;
using Microsoft.Extensions.Logging;

namespace Exim.Plugins.PasswdFileAuth;

/// <summary>
/// A file of users and bcrypt hashes, in the forms operators already have: Dovecot's passwd-file
/// (<c>user:{BLF-CRYPT}$2y$10$...</c>, further colon-separated fields ignored) and Apache's <c>htpasswd -B</c>
/// (<c>user:$2y$10$...</c>). Blank lines and lines starting with <c>#</c> are skipped. Anything else (a plain-text
/// password, another scheme, a malformed hash, a user twice) refuses the whole file with its file:line, so a mistake
/// can never leave a user with a password nobody meant. Read once per generation: a reload reads it again.
/// </summary>
internal sealed partial class PasswdFile
{
    private const string BlfCrypt = "{BLF-CRYPT}";

    /// <summary>
    /// The dearest bcrypt cost a file may use: about a second of CPU per check on a 2026 core. Above it one check holds
    /// a verification slot for seconds to minutes (cost 20 is about a minute) and AUTH floods queue behind it.
    /// </summary>
    private const int MaxCost = 14;
    private readonly FrozenDictionary<string, string> _hashes;
    private readonly Lazy<string> _dummyHash;

    private PasswdFile(FrozenDictionary<string, string> hashes, int cost)
    {
        _hashes = hashes;
        // Made at the first check, not at load: every exim process loads the configuration, few of them authenticate.
        _dummyHash = new Lazy<string>(() => BCrypt.Net.BCrypt.HashPassword(Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)), cost));
    }

    public int Count => _hashes.Count;

    /// <summary>
    /// A hash of a random password at the cost most of the file's users have (the dearer one on a tie): an unknown user
    /// is checked against it, so the answer takes as long as for a user of that cost and timing does not tell which
    /// users exist, among those users. Load logs a warning when the costs differ.
    /// </summary>
    public string DummyHash => _dummyHash.Value;

    /// <summary>Whether <paramref name="password"/> is <paramref name="user"/>'s; always runs one bcrypt verification.</summary>
    public bool Verify(string user, string password)
    {
        var dummy = DummyHash; // made before the lookup, so the first check costs the same for any user
        var known = _hashes.TryGetValue(user, out var hash);
        var matches = BCrypt.Net.BCrypt.Verify(password, known ? hash : dummy);
        return known && matches;
    }

    /// <summary>
    /// Reads and checks the file; throws <see cref="EximConfigException"/> naming the file and line of the first problem.
    /// When the users' bcrypt costs differ, says so on <paramref name="logger"/> (the dummy hash hides unknown users
    /// only among users of its cost).
    /// </summary>
    public static PasswdFile Load(string path, ILogger? logger = null)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new EximConfigException(new ConfigDiagnostic(path, 0, 0, $"cannot read password file: {e.Message}"));
        }
        var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
        var users = new SortedDictionary<int, int>(); // cost -> how many users have it
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (line.Length == 0 || line[0] == '#' || string.IsNullOrWhiteSpace(line)) continue;
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0) throw Bad(path, i, "expected user:hash");
            var user = line[..colon];
            var rest = line[(colon + 1)..];
            var end = rest.IndexOf(':', StringComparison.Ordinal); // Dovecot's uid:gid:gecos:home:shell:extra fields
            var hash = end < 0 ? rest : rest[..end];
            if (hash.StartsWith(BlfCrypt, StringComparison.Ordinal)) hash = hash[BlfCrypt.Length..];
            else if (hash.StartsWith('{'))
            {
                var close = hash.IndexOf('}', StringComparison.Ordinal);
                var scheme = close > 0 ? hash[..(close + 1)] : hash[..Math.Min(hash.Length, 20)];
                throw Bad(path, i, $"user \"{user}\": password scheme {scheme} is not accepted: only bcrypt ({BlfCrypt}$2y$... or $2y$...)");
            }
            var m = BcryptHash().Match(hash);
            if (!m.Success) throw Bad(path, i, $"user \"{user}\": not a bcrypt hash ($2a$, $2b$ or $2y$, cost, 53 characters): plain-text and other schemes are not accepted");
            var cost = int.Parse(m.Groups[1].ValueSpan, System.Globalization.CultureInfo.InvariantCulture);
            if (cost > MaxCost)
            {
                throw Bad(path, i, $"user \"{user}\": bcrypt cost {cost} is above {MaxCost}: one check would hold a verification slot for "
                    + "seconds or minutes, and unknown users would be checked at that cost too (rehash it: 10 to 12 is usual)");
            }
            if (!hashes.TryAdd(user, hash)) throw Bad(path, i, $"user \"{user}\" is listed twice");
            users[cost] = users.GetValueOrDefault(cost) + 1;
        }
        var dummyCost = users.Count == 0 ? 10 : users.MaxBy(u => (u.Value, u.Key)).Key;
        if (users.Count > 1 && logger is not null)
        {
            var counts = string.Join(", ", users.Select(u => $"{u.Key}: {u.Value} user{(u.Value == 1 ? "" : "s")}"));
            MixedCosts(logger, path, counts, dummyCost);
        }
        return new PasswdFile(hashes.ToFrozenDictionary(StringComparer.Ordinal), dummyCost);
    }

    [LoggerMessage(8210, LogLevel.Warning, "passwd_file {Path}: bcrypt costs differ ({Counts}): unknown users are checked at cost {Cost}, "
        + "so the time of an answer hides which users exist only among users of cost {Cost}; rehash all at one cost")]
    private static partial void MixedCosts(ILogger logger, string path, string counts, int cost);

    private static EximConfigException Bad(string path, int index, string message) => new(new ConfigDiagnostic(path, index + 1, 1, message));

    [GeneratedRegex(@"^\$2[aby]\$(0[4-9]|[12][0-9]|3[01])\$[./A-Za-z0-9]{53}$", RegexOptions.CultureInvariant)]
    private static partial Regex BcryptHash();
}
