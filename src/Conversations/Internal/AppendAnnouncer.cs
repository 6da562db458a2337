namespace Conversations.Internal;

/// <summary>
/// Publishes this engine's new messages in the order the store numbered them. Appends that share a commit complete
/// together and their continuations run in any order; announced as they complete, a later sequence would often reach
/// subscribers before an earlier one — and each of them would then re-read the log from the store to fill the "gap".
/// Each append takes a slot in its conversation's lane in the same step as it is handed to the store (the store numbers
/// a conversation's appends in call order), and a slot's event is published once every earlier slot was published or
/// turned out to announce nothing.
/// </summary>
/// <remarks>Thread-safe. A lane lives only while appends in its conversation are in flight.</remarks>
internal sealed class AppendAnnouncer(EventPublisher publisher)
{
    private readonly Dictionary<string, Queue<Slot>> _lanes = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>Takes a slot and hands the append to the store, as one step for the conversation.</summary>
    public (Slot Slot, Task<T> Appending) Append<T>(string conversationId, Func<ValueTask<T>> append)
    {
        lock (_gate)
        {
            if (!_lanes.TryGetValue(conversationId, out var lane))
            {
                _lanes[conversationId] = lane = new Queue<Slot>();
            }

            var slot = new Slot(conversationId);
            lane.Enqueue(slot);
            try
            {
                return (slot, append().AsTask());
            }
            catch
            {
                slot.Filled = true;
                Drain(lane, conversationId);
                throw;
            }
        }
    }

    /// <summary>Fills a slot with what it announces (<see langword="null"/> for nothing) and publishes what is now in order.</summary>
    public void Complete(Slot slot, ConversationEvent? announcement)
    {
        lock (_gate)
        {
            if (slot.Filled)
            {
                return;
            }

            slot.Announcement = announcement;
            slot.Filled = true;
            if (_lanes.TryGetValue(slot.ConversationId, out var lane))
            {
                Drain(lane, slot.ConversationId);
            }
        }
    }

    private void Drain(Queue<Slot> lane, string conversationId)
    {
        // Publishing only queues the event for the publisher's loop: cheap enough to do under the lock, which keeps the order.
        while (lane.TryPeek(out var head) && head.Filled)
        {
            lane.Dequeue();
            if (head.Announcement is { } announcement)
            {
                publisher.Publish(announcement);
            }
        }

        if (lane.Count == 0)
        {
            _lanes.Remove(conversationId);
        }
    }

    /// <summary>One append's place in its conversation's announcements.</summary>
    internal sealed class Slot(string conversationId)
    {
        public string ConversationId { get; } = conversationId;

        public ConversationEvent? Announcement { get; set; }

        public bool Filled { get; set; }
    }
}
