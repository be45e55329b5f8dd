using Exim.Host.Slots;
using Microsoft.Extensions.Time.Testing;

namespace Exim.Host.Tests.Slots;

public sealed class ProcLoadAverageTests
{
    [Fact]
    public void AReading_IsKeptForASecond_ThenTheFileIsReadAgain()
    {
        var path = Path.Combine(Path.GetTempPath(), $"loadavg-{Guid.NewGuid():N}");
        try
        {
            File.WriteAllText(path, "0.52 0.40 0.30 1/123 4567\n");
            var time = new FakeTimeProvider();
            var load = new ProcLoadAverage(time, path);

            Assert.Equal(520, load.LoadAverage);
            File.WriteAllText(path, "12.25 3.00 1.00 9/321 4568\n");
            time.Advance(TimeSpan.FromMilliseconds(900));
            Assert.Equal(520, load.LoadAverage); // the kernel recomputes it every 5 s: a second-old reading is current

            time.Advance(TimeSpan.FromMilliseconds(200));
            Assert.Equal(12250, load.LoadAverage);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void WhatCannotBeRead_IsMinusOne_AndTheSystemsOwnIsANumber()
    {
        Assert.Equal(-1, new ProcLoadAverage(new FakeTimeProvider(), "/nonexistent/loadavg").LoadAverage);
        var path = Path.Combine(Path.GetTempPath(), $"loadavg-{Guid.NewGuid():N}");
        File.WriteAllText(path, "garbage");
        try
        {
            Assert.Equal(-1, new ProcLoadAverage(new FakeTimeProvider(), path).LoadAverage);
        }
        finally
        {
            File.Delete(path);
        }
        Assert.True(new ProcLoadAverage().LoadAverage >= 0);
    }
}
