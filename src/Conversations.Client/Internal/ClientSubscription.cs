using System.Threading.Channels;

namespace Conversations.Client.Internal;

/// <summary>
/// One subscription: events are queued unbounded so the socket is always drained, and the last log sequence seen is kept so
/// a resubscription after a reconnect resumes right after it. Log events at or below it are dropped: nothing repeats.
/// </summary>
internal sealed class ClientSubscription(string key, string? conversationId, string? roomId, long afterSequence)
{
    private readonly Channel<ConversationEvent> _events = Channel.CreateUnbounded<ConversationEvent>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private long _lastSequence = afterSequence;

    public string Key { get; } = key;

    public string? ConversationId { get; } = conversationId;

    public string? RoomId { get; } = roomId;

    public long LastSequence => Volatile.Read(ref _lastSequence);

    public bool Acknowledged { get; set; }

    public ChannelReader<ConversationEvent> Reader => _events.Reader;

    /// <summary>Called by the receive loop only.</summary>
    public void Deliver(ConversationEvent e)
    {
        if (e is MessageLogEvent log)
        {
            if (log.Sequence <= _lastSequence)
            {
                return;
            }

            Volatile.Write(ref _lastSequence, log.Sequence);
        }

        _events.Writer.TryWrite(e);
    }

    public void Complete(Exception? error = null) => _events.Writer.TryComplete(error);
}
