using System.Collections.Immutable;
using Exim.Abstractions.Config;
using Exim.Abstractions.Plugins;
using Exim.Abstractions.Queue;
using Exim.Host.Plugins;
using Exim.Plugins.QueueRunner;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Exim.Host.Tests.Queue;

/// <summary>Exim's daemon_qrun tick (spec §1.10), one tick at a time, against a runner table that counts.</summary>
public sealed class PeriodicSchedulerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void EveryEntryIsDueAtStart_OneRunnerPerTick_EarliestThenShortestInterval()
    {
        var context = new Runners(max: 5, Spec(null, 30), Spec("bulk", 10));
        var entries = Entries(context);
        var scheduler = new PeriodicScheduler(new FakeTimeProvider(T0), NullLogger.Instance);

        Assert.Equal("bulk", scheduler.Tick(context, entries, T0)!.Spec.QueueName); // same due time: the shorter interval first
        Assert.Null(scheduler.Tick(context, entries, T0)!.Spec.QueueName);
        Assert.Null(scheduler.Tick(context, entries, T0)); // nothing due until bulk's next interval
        Assert.Equal(["bulk", null], context.Started.Select(s => s.QueueName));
        Assert.Equal(T0.AddMinutes(10), entries.Single(e => e.Spec.QueueName == "bulk").NextTick);
    }

    [Fact]
    public void MissedTicks_AreSkipped_NotCaughtUp()
    {
        var entry = new ScheduleEntry(Spec(null, 10), T0);

        entry.Advance(T0.AddMinutes(35)); // three and a half intervals late

        Assert.Equal(T0.AddMinutes(40), entry.NextTick);
    }

    [Fact]
    public void AtTheTotalCap_NothingStarts_AndNoTickMoves()
    {
        var context = new Runners(max: 2, Spec(null, 10), Spec("bulk", 10)) { Total = 2 };
        var entries = Entries(context);

        Assert.Null(new PeriodicScheduler(new FakeTimeProvider(T0), NullLogger.Instance).Tick(context, entries, T0));
        Assert.All(entries, e => Assert.Equal(T0, e.NextTick));

        context.Total = 1; // a runner ended: the next tick (a second later) starts one
        Assert.NotNull(new PeriodicScheduler(new FakeTimeProvider(T0), NullLogger.Instance).Tick(context, entries, T0.AddSeconds(1)));
    }

    [Fact]
    public void AQueueAtItsCap_IsPassedOver_ForAnotherDueQueue()
    {
        var context = new Runners(max: 1, Spec(null, 10), Spec("bulk", 30));
        context.PerQueue[""] = 1;
        context.Total = 0; // (the total is counted separately; here only the default queue is full)

        var started = new PeriodicScheduler(new FakeTimeProvider(T0), NullLogger.Instance).Tick(context, Entries(context), T0);

        Assert.Equal("bulk", started!.Spec.QueueName);
    }

    [Fact]
    public void QueueRunMaxZero_MeansNoLimit()
    {
        var context = new Runners(max: 0, Spec(null, 10)) { Total = 500 };

        Assert.NotNull(new PeriodicScheduler(new FakeTimeProvider(T0), NullLogger.Instance).Tick(context, Entries(context), T0));
    }

    private static QueueRunSpec Spec(string? name, int minutes) => new(name, TimeSpan.FromMinutes(minutes), QueueRunFlags.None);

    private static List<ScheduleEntry> Entries(Runners context) => [.. context.Schedule.Select(s => new ScheduleEntry(s, T0))];

    /// <summary>The core's side of the scheduler contract, counting instead of starting processes.</summary>
    private sealed class Runners(int max, params QueueRunSpec[] schedule) : IQueueSchedulerContext
    {
        public Dictionary<string, int> PerQueue { get; } = [];
        public List<QueueRunSpec> Started { get; } = [];
        public int Total { get; set; }

        public IMainOptionsView Main { get; } = new MainOptionsView(new() { SourcePath = "/dev/null", Revision = "test", Main = new MainOptions { QueueRunMax = max } });
        public ImmutableArray<QueueRunSpec> Schedule { get; } = [.. schedule];
        public int TotalActiveRunners => Total;
        public int ActiveRunners(string? queueName) => PerQueue.GetValueOrDefault(queueName ?? "");

        public bool TryStartRunner(QueueRunSpec spec)
        {
            Started.Add(spec);
            Total++;
            PerQueue[spec.QueueName ?? ""] = ActiveRunners(spec.QueueName) + 1;
            return true;
        }
    }
}
