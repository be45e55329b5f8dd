namespace Exim.Abstractions.Daemon;

/// <summary>A held slot. Disposing it frees the slot and publishes the session's child-exit event.</summary>
public interface ISlotHandle : IDisposable
{
    /// <summary>The slot.</summary>
    SessionSlot Slot { get; }

    /// <summary>The session count including this one, at the moment the slot was taken.</summary>
    int CountAtOpen { get; }

    /// <summary>The session count from this client's address including this one, at the moment the slot was taken.</summary>
    int HostCountAtOpen { get; }

    /// <summary>Records how the session ended, for the child-exit event published on dispose.</summary>
    /// <param name="outcome">How it ended.</param>
    /// <param name="messages">Messages received on it.</param>
    void Complete(SessionOutcome outcome, int messages);
}
