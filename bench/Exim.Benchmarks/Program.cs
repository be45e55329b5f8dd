using BenchmarkDotNet.Running;
using Exim.Benchmarks;

// reload-soak [N]: exact reload figures; dns [seconds]: resolution against NSD; script-start [N]: hook compile and
// cache start-up times; delivery [N]: spool-to-sink messages/s and immediate-delivery latency; smtp-fuzz [seconds]: the
// SMTP parser and DATA reader properties for that long each; anything else goes to BenchmarkDotNet.
if (args.Length > 0 && args[0] == "reload-soak")
{
    return await ReloadSoak.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 200);
}
if (args.Length > 0 && args[0] == "dns")
{
    return await DnsBench.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 5);
}
if (args.Length > 0 && args[0] == "script-start")
{
    return await ScriptStartBench.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 5);
}
if (args.Length > 0 && args[0] == "delivery")
{
    return await DeliveryBench.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1000);
}
if (args.Length > 0 && args[0] == "smtp-fuzz")
{
    return SmtpFuzz.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 60);
}
BenchmarkSwitcher.FromAssembly(typeof(ConfigBenchmarks).Assembly).Run(args);
return 0;
