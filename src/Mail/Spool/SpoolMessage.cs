namespace Exim.Mail.Spool;

/// <summary>A message being received: its id and the open data (-D) file.</summary>
internal sealed class SpoolMessage(string id, string dataPath, FileStream data) : IAsyncDisposable
{
    public string Id { get; } = id;
    public string DataPath { get; } = dataPath;
    public FileStream Data { get; } = data;

    public ValueTask DisposeAsync() => Data.DisposeAsync();
}
