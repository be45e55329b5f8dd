using System.Text;
using Exim.Abstractions.Scripting;
using MimeKit;

namespace Exim.Mail.Smtp.Policy;

/// <summary>
/// The message the data stage decides about: its -D file is written and flushed, its -H file not yet. The headers are
/// parsed with MimeKit when first asked for; body streams read the -D file and are closed when the stage ends.
/// </summary>
internal sealed class SpoolStageMessage(string id, string dataPath, IReadOnlyList<string> headers, long size, int bodyLines) : StageMessage, IDisposable
{
    private HeaderList? _headers;
    private List<Stream>? _opened;

    public override string Id => id;
    public override long Size => size;
    public override int BodyLines => bodyLines;
    public override HeaderList Headers => _headers ??= Parse(headers);

    public override Stream OpenBody()
    {
        var file = new FileStream(dataPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 16 * 1024, FileOptions.Asynchronous);
        var offset = Encoding.ASCII.GetByteCount(id) + 3; // the "<id>-D\n" line
        var body = new SpoolBodyStream(file, offset);
        body.Position = 0;
        (_opened ??= []).Add(body);
        return body;
    }

    public void Dispose()
    {
        if (_opened is null) return;
        foreach (var stream in _opened) stream.Dispose();
        _opened = null;
    }

    private static HeaderList Parse(IReadOnlyList<string> headers)
    {
        var list = new HeaderList();
        foreach (var text in headers)
        {
            // Held as Latin-1 (one char per byte); MimeKit decodes the raw bytes itself.
            var raw = Encoding.Latin1.GetBytes(text.EndsWith('\n') ? text : text + "\n");
            if (Header.TryParse(raw, out var header)) list.Add(header);
        }
        return list;
    }
}
