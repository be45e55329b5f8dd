namespace Exim.Mail.Spool;

/// <summary>A spooled message: its id and the queue it is in (null: the default queue).</summary>
internal readonly record struct MessageRef(string Id, string? Queue = null)
{
    public override string ToString() => Queue is null ? Id : $"{Id} (queue '{Queue}')";
}
