using Exim.Mail.Delivery;
using Exim.TestKit;

namespace Exim.Host.Tests.Delivery;

/// <summary>
/// <see cref="QueueMove"/> on a real spool directory: the message ends up in exactly one queue whatever state an
/// interrupted earlier move left, a clash leaves it where it was, and a locked message is not touched.
/// </summary>
public sealed class QueueMoveTests : IDisposable
{
    private const string Id = "1xVuNW-1YoJY9-0n";
    private readonly TempDirectory _dir = new("exim-move");

    private string Spool => _dir.Combine("spool");

    private string File(string queue, string suffix) => queue.Length == 0
        ? Path.Combine(Spool, "input", Id + suffix)
        : Path.Combine(Spool, queue, "input", Id + suffix);

    public QueueMoveTests()
    {
        Directory.CreateDirectory(Path.Combine(Spool, "input"));
        System.IO.File.WriteAllText(File("", "-D"), $"{Id}-D\nthe body\n");
        System.IO.File.WriteAllText(File("", "-H"), $"{Id}-H\nthe header\n");
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Move_LeavesTheMessageOnlyInTheDestination()
    {
        Assert.Equal(LockAttempt.Acquired, QueueMove.Move(Spool, Id, null, "hold", false, out var leftover));

        Assert.Null(leftover);
        Assert.Equal($"{Id}-D\nthe body\n", System.IO.File.ReadAllText(File("hold", "-D")));
        Assert.Equal($"{Id}-H\nthe header\n", System.IO.File.ReadAllText(File("hold", "-H")));
        Assert.Empty(Directory.GetFiles(Path.Combine(Spool, "input")));

        Assert.Equal(LockAttempt.Acquired, QueueMove.Move(Spool, Id, "hold", null, false, out _)); // and back
        Assert.True(System.IO.File.Exists(File("", "-H")));
        Assert.Empty(Directory.GetFiles(Path.Combine(Spool, "hold", "input")));
    }

    [Fact]
    public void Move_AfterAnInterruptedOne_ReplacesTheDataNameItLeft()
    {
        Directory.CreateDirectory(Path.Combine(Spool, "hold", "input"));
        System.IO.File.WriteAllText(File("hold", "-D"), "left by a crash before the commit\n");

        Assert.Equal(LockAttempt.Acquired, QueueMove.Move(Spool, Id, null, "hold", false, out _));

        Assert.Equal($"{Id}-D\nthe body\n", System.IO.File.ReadAllText(File("hold", "-D")));
        Assert.True(System.IO.File.Exists(File("hold", "-H")));
        Assert.False(System.IO.File.Exists(File("", "-H")));
    }

    [Fact]
    public void Move_OntoAnExistingHeader_FailsAndLeavesTheMessageWhereItWas()
    {
        Directory.CreateDirectory(Path.Combine(Spool, "hold", "input"));
        System.IO.File.WriteAllText(File("hold", "-H"), "another message's header\n");

        Assert.Throws<IOException>(() => QueueMove.Move(Spool, Id, null, "hold", false, out _));

        Assert.Equal($"{Id}-D\nthe body\n", System.IO.File.ReadAllText(File("", "-D")));
        Assert.Equal($"{Id}-H\nthe header\n", System.IO.File.ReadAllText(File("", "-H")));
        Assert.False(System.IO.File.Exists(File("hold", "-D")));
    }

    [Fact]
    public void Move_OfALockedMessage_TouchesNothing()
    {
        using (DeliveryFixture.LockMessage(Path.Combine(Spool, "input"), Id))
        {
            Assert.Equal(LockAttempt.Locked, QueueMove.Move(Spool, Id, null, "hold", false, out _));
        }

        Assert.True(System.IO.File.Exists(File("", "-H")));
        Assert.False(Directory.Exists(Path.Combine(Spool, "hold", "input")) && Directory.GetFiles(Path.Combine(Spool, "hold", "input")).Length > 0);
        Assert.Equal(LockAttempt.NotFound, QueueMove.Move(Spool, "1xVuNW-1YoJY9-0x", null, "hold", false, out _));
    }
}
