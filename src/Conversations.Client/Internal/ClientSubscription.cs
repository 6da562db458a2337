using System.Threading.Channels;

namespace Conversations.Client.Internal;

/// <summary>
/// One subscription: a bounded buffer of events for its reader, and the last log sequence handed to it, so that a
/// resubscription (after a reconnect, or after the buffer overflowed) resumes right after it. Log events at or below it
/// are dropped: nothing repeats.
/// </summary>
/// <remarks>
/// Overflow policy: when the buffer is full the subscription drops everything until its reader has emptied the buffer;
/// the reader then resubscribes from <see cref="LastSequence"/> and the server replays the gap from its store. Events
/// are dropped until that resubscription is acknowledged (the ack is handled on the receive loop, before any later
/// frame), so nothing the old server subscription still sends can skip ahead of the replay. The receive loop never waits
/// for a reader.
/// </remarks>
internal sealed class ClientSubscription(string key, string? conversationId, string? roomId, long afterSequence, int capacity)
{
    private readonly Channel<ConversationEvent> _events = Channel.CreateBounded<ConversationEvent>(new BoundedChannelOptions(capacity)
    {
        SingleReader = true,
        SingleWriter = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private long _lastSequence = afterSequence;
    private int _dropping;
    private int _overflowed;

    public string Key { get; } = key;

    public string? ConversationId { get; } = conversationId;

    public string? RoomId { get; } = roomId;

    public long LastSequence => Volatile.Read(ref _lastSequence);

    public bool Acknowledged { get; set; }

    /// <summary>Gets a value indicating whether events were dropped since the last resubscription.</summary>
    public bool Overflowed => Volatile.Read(ref _overflowed) == 1;

    private bool Dropping => Volatile.Read(ref _dropping) == 1;

    public ChannelReader<ConversationEvent> Reader => _events.Reader;

    /// <summary>Called by the receive loop only; never waits.</summary>
    public void Deliver(ConversationEvent e)
    {
        if (Dropping)
        {
            return;
        }

        if (e is MessageLogEvent log && log.Sequence <= _lastSequence)
        {
            return;
        }

        if (!_events.Writer.TryWrite(e))
        {
            // The reader is too far behind: drop from here on; it resubscribes from the last sequence it was given.
            Volatile.Write(ref _dropping, 1);
            Volatile.Write(ref _overflowed, 1);
            return;
        }

        if (e is MessageLogEvent logged)
        {
            Volatile.Write(ref _lastSequence, logged.Sequence);
        }
    }

    /// <summary>Called by the reader when it resubscribes after an overflow.</summary>
    public void Rearm() => Volatile.Write(ref _overflowed, 0);

    /// <summary>Called on the receive loop when a resubscription is acknowledged: what follows is the replay.</summary>
    public void Resubscribed()
    {
        if (!Overflowed)
        {
            Volatile.Write(ref _dropping, 0);
        }
    }

    public void Complete(Exception? error = null) => _events.Writer.TryComplete(error);
}
