using BenchmarkDotNet.Attributes;
using Exim.Mail.Spool;

namespace Exim.Benchmarks;

/// <summary>
/// What a message log costs a reception: creating the file with its <c>Received from</c> line (open with O_APPEND, one
/// write, close; no fsync), and a delivery's further line; the file is removed in each iteration, as completion does.
/// Compare with a reception's commit (two fsyncs and a rename, milliseconds on most disks).
/// </summary>
[MemoryDiagnoser]
public class MessageLogBenchmarks
{
    private const string Id = "1xVuNZ-000000-00";
    private string _spool = "";

    [GlobalSetup]
    public void Setup()
    {
        _spool = Directory.CreateTempSubdirectory("msglog-bench").FullName;
        Directory.CreateDirectory(Path.Combine(_spool, "msglog"));
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_spool, recursive: true);

    [Benchmark]
    public void ReceptionLine()
    {
        MessageLog.Append(Path.Combine(_spool, "input"), Id, DateTime.Now, "Received from alice@example.com H=client.example.net [192.0.2.1] P=esmtp S=1345 id=abc@example.net");
        MessageLog.Complete(_spool, Path.Combine(_spool, "input"), Id, preserve: false);
    }

    [Benchmark]
    public void ReceptionAndDeliveryLines()
    {
        MessageLog.Append(Path.Combine(_spool, "input"), Id, DateTime.Now, "Received from alice@example.com H=client.example.net [192.0.2.1] P=esmtp S=1345 id=abc@example.net");
        MessageLog.Append(Path.Combine(_spool, "input"), Id, DateTime.Now, "bob@example.org: remote_smtp transport succeeded");
        MessageLog.Complete(_spool, Path.Combine(_spool, "input"), Id, preserve: false);
    }
}
