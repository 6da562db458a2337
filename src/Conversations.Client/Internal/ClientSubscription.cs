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
    // Unbounded with one reader: the writer never takes a lock the reader holds while it drains (a bounded channel locks on
    // every read and write, and in a busy room that contention cost more than reading the event). The bound is kept by
    // counting what is buffered.
    private readonly Channel<ConversationEvent> _events = Channel.CreateUnbounded<ConversationEvent>(new UnboundedChannelOptions
    {
        SingleReader = true,
        SingleWriter = true,
    });

    private readonly int _capacity = capacity;
    private int _buffered;
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

    /// <summary>Takes the next buffered event, if there is one (the reader only).</summary>
    public bool TryRead([System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out ConversationEvent e)
    {
        if (!_events.Reader.TryRead(out e))
        {
            return false;
        }

        Interlocked.Decrement(ref _buffered);
        return true;
    }

    /// <summary>
    /// Waits until an event is buffered; <see langword="false"/> once the subscription is complete. The wait itself cannot
    /// be canceled (so it allocates nothing): the reader cancels with <see cref="CancelOn"/> once instead.
    /// </summary>
    public ValueTask<bool> WaitToReadAsync() => _events.Reader.WaitToReadAsync(CancellationToken.None);

    /// <summary>When <paramref name="cancellationToken"/> is canceled, the reader's wait ends with <see cref="OperationCanceledException"/> (after what is buffered).</summary>
    public CancellationTokenRegistration CancelOn(CancellationToken cancellationToken) =>
        cancellationToken.UnsafeRegister(static (state, token) => ((ClientSubscription)state!).Complete(new OperationCanceledException(token)), this);

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

        if (Interlocked.Increment(ref _buffered) > _capacity || !_events.Writer.TryWrite(e))
        {
            Interlocked.Decrement(ref _buffered);
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
