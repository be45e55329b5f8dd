using BenchmarkDotNet.Attributes;
using Exim.Host.Configuration;

namespace Exim.Benchmarks;

/// <summary>What parsing and validating exim.toml costs on every reload.</summary>
[MemoryDiagnoser]
public class ConfigBenchmarks
{
    private string _text = "";
    private string _path = "";

    [GlobalSetup]
    public void Setup()
    {
        _path = Path.Combine(BenchConfig.Root, "exim.toml");
        _text = File.ReadAllText(_path);
    }

    [Benchmark]
    public bool ParseBundledConfig() => TomlConfigLoader.Parse(_text, _path).Succeeded;
}
