namespace Exim.Mail.Spool;

/// <summary>A message being received: its id, the open data (-D) file, and the queue's input directory it goes to.</summary>
internal sealed class SpoolMessage(string id, string dataPath, SpoolDataStream data, string inputDirectory, string? queue = null) : IAsyncDisposable
{
    public string Id { get; } = id;
    public string DataPath { get; } = dataPath;
    /// <summary>The -D file being written (buffered in a pooled buffer; its lock is the reception's).</summary>
    public SpoolDataStream Data { get; } = data;
    public string InputDirectory { get; } = inputDirectory;

    /// <summary>The named queue, or null for the default queue.</summary>
    public string? Queue { get; } = queue;

    public MessageRef Ref => new(Id, Queue);

    /// <summary>Writes out what is buffered, releases the reception's lock and closes the -D file.</summary>
    public ValueTask DisposeAsync()
    {
        Data.Dispose();
        return ValueTask.CompletedTask;
    }
}
