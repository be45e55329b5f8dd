using BenchmarkDotNet.Running;
using Exim.Benchmarks;

// reload-soak [N]: exact reload figures; dns [seconds]: resolution against NSD; script-start [N]: hook compile and
// cache start-up times; delivery [N]: spool-to-sink messages/s and immediate-delivery latency; smtp-fuzz [seconds]: the
// SMTP parser and DATA reader properties for that long each; hints [seconds]: hints store and RateLimit operations/s;
// retry-scale [messages]: a queue run's time per message with 10 and 10,000 retry records; anything else goes to BenchmarkDotNet.
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
if (args.Length > 0 && args[0] == "hints")
{
    return await HintsBench.RunAsync(args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 2);
}
if (args.Length > 0 && args[0] == "retry-scale")
{
    return await HintsBench.RetryScaleAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 500);
}
if (args.Length > 0 && args[0] == "queue-scale") // [messages] [split]: -bpc, -bp, queue-run start and drain on a large queue
{
    return await QueueBench.ScaleAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 100_000, args.Length <= 2 || args[2] != "unsplit");
}
if (args.Length > 3 && args[0] == "queue-fill") // dir messages sinkPort [split]: a spool to profile a run by hand
{
    return await QueueBench.FillOnlyAsync(args[1], int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture),
        int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture), args.Length > 4 && args[4] == "split");
}
if (args.Length > 0 && args[0] == "drain") // [messages] [rounds] [--exe PATH] [--env NAME=VALUE]... [main options...]: exim -qf to smtp-sink, msg/s, CPU per message, connections
{
    return await QueueBench.DrainRoundsAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 2000,
        args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 3, args.Length > 3 ? args[3..] : []);
}
BenchmarkSwitcher.FromAssembly(typeof(ConfigBenchmarks).Assembly).Run(args);
return 0;
