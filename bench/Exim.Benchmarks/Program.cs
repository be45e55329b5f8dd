using BenchmarkDotNet.Running;
using Exim.Benchmarks;

// reload-soak [N]: exact reload figures; anything else goes to BenchmarkDotNet (e.g. --filter '*Config*').
if (args.Length > 0 && args[0] == "reload-soak")
{
    return await ReloadSoak.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 200);
}
BenchmarkSwitcher.FromAssembly(typeof(ConfigBenchmarks).Assembly).Run(args);
return 0;
