using Exim.Mail.Spool;

namespace Exim.Host.Tests.Queue;

/// <summary>
/// -bp lists a large queue in id order holding only packed keys: a key gives back its id and directory, and keys sort as
/// their ids sort ordinally (Exim's order), whatever their directories.
/// </summary>
public sealed class CompactQueueEntryTests
{
    [Fact]
    public void Keys_RoundTrip_AndSortAsTheIdsSort()
    {
        const string Digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        var random = new Random(15);
        string Part(int n) => new([.. Enumerable.Range(0, n).Select(_ => Digits[random.Next(Digits.Length)])]);
        var ids = Enumerable.Range(0, 2000).Select(_ => $"{Part(6)}-{Part(6)}-{Part(2)}").ToList();
        ids.AddRange(["000000-000000-00", "zzzzzz-zzzzzz-zz", "1xY7J5-23gSzh-QK", "1xY7J5-23gSzh-QL", "1xY7J5-23gSzi-00", "1xY7Ja-000000-00"]);
        var entries = ids.Select((id, i) => (Id: id, Directory: i % 63)).ToList();

        var keys = entries.Select(e => CompactQueueEntry.Pack(e.Id, e.Directory)).ToList();
        Assert.Equal(entries, keys.Select(CompactQueueEntry.Unpack).ToList());

        keys.Sort();
        var expected = entries.OrderBy(e => e.Id, StringComparer.Ordinal).ThenBy(e => e.Directory).ToList();
        Assert.Equal(expected, keys.Select(CompactQueueEntry.Unpack).ToList());
    }
}
