using System.Threading.Channels;
using Conversations.Transport;

namespace Conversations;

/// <summary>
/// The default event bus: delivers events to subscribers in this process. Publishing never waits: each
/// subscription buffers up to its capacity, then drops events and delivers one overflow marker.
/// </summary>
/// <remarks>Thread-safe. Publishing costs one buffer write per matching subscription.</remarks>
public sealed class InMemoryEventBus : ConversationEventBus
{
    private readonly Lock _gate = new();
    private Subscription[] _all = [];
    private Dictionary<string, Subscription[]> _byRoom = new(StringComparer.Ordinal);
    private Dictionary<string, Subscription[]> _byConversation = new(StringComparer.Ordinal);

    /// <summary>Gets the number of open subscriptions.</summary>
    public int SubscriptionCount
    {
        get
        {
            lock (_gate)
            {
                return _all.Length + _byRoom.Values.Sum(s => s.Length) + _byConversation.Values.Sum(s => s.Length);
            }
        }
    }

    /// <inheritdoc />
    public override ValueTask PublishAsync(ConversationEvent conversationEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(conversationEvent);

        // Snapshots: the arrays are replaced, never mutated, so no lock is needed to read them.
        Deliver(Volatile.Read(ref _all), conversationEvent);
        if (Volatile.Read(ref _byRoom).TryGetValue(conversationEvent.RoomId, out var roomSubscriptions))
        {
            Deliver(roomSubscriptions, conversationEvent);
        }

        if (conversationEvent.ConversationId is { } conversationId
            && Volatile.Read(ref _byConversation).TryGetValue(conversationId, out var conversationSubscriptions))
        {
            Deliver(conversationSubscriptions, conversationEvent);
        }

        return default;
    }

    /// <inheritdoc />
    /// <remarks>Completes synchronously: the subscription is live when this returns.</remarks>
    public override ValueTask<EventBusSubscription> SubscribeAsync(EventBusFilter filter, int capacity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        cancellationToken.ThrowIfCancellationRequested();

        var subscription = new Subscription(this, filter, capacity);
        lock (_gate)
        {
            if (filter.ConversationId is { } conversationId)
            {
                _byConversation = WithAdded(_byConversation, conversationId, subscription);
            }
            else if (filter.RoomId is { } roomId)
            {
                _byRoom = WithAdded(_byRoom, roomId, subscription);
            }
            else
            {
                _all = [.. _all, subscription];
            }
        }

        return new(subscription);
    }

    private static void Deliver(Subscription[] subscriptions, ConversationEvent conversationEvent)
    {
        foreach (var subscription in subscriptions)
        {
            if (subscription.Filter.Matches(conversationEvent))
            {
                subscription.Offer(conversationEvent);
            }
        }
    }

    private static Dictionary<string, Subscription[]> WithAdded(Dictionary<string, Subscription[]> map, string key, Subscription subscription)
    {
        var copy = new Dictionary<string, Subscription[]>(map, StringComparer.Ordinal);
        copy[key] = copy.TryGetValue(key, out var existing) ? [.. existing, subscription] : [subscription];
        return copy;
    }

    private static Dictionary<string, Subscription[]> WithRemoved(Dictionary<string, Subscription[]> map, string key, Subscription subscription)
    {
        if (!map.TryGetValue(key, out var existing))
        {
            return map;
        }

        var copy = new Dictionary<string, Subscription[]>(map, StringComparer.Ordinal);
        var remaining = Array.FindAll(existing, s => !ReferenceEquals(s, subscription));
        if (remaining.Length == 0)
        {
            copy.Remove(key);
        }
        else
        {
            copy[key] = remaining;
        }

        return copy;
    }

    private void Remove(Subscription subscription)
    {
        lock (_gate)
        {
            if (subscription.Filter.ConversationId is { } conversationId)
            {
                _byConversation = WithRemoved(_byConversation, conversationId, subscription);
            }
            else if (subscription.Filter.RoomId is { } roomId)
            {
                _byRoom = WithRemoved(_byRoom, roomId, subscription);
            }
            else
            {
                _all = Array.FindAll(_all, s => !ReferenceEquals(s, subscription));
            }
        }
    }

    private sealed class Subscription : EventBusSubscription
    {
        private readonly InMemoryEventBus _bus;
        private readonly int _capacity;
        private readonly Channel<EventBusItem> _channel;
        private readonly CountingReader _reader;
        private int _buffered;
        private int _overflowed;

        public Subscription(InMemoryEventBus bus, EventBusFilter filter, int capacity)
        {
            _bus = bus;
            _capacity = capacity;
            Filter = filter;
            _channel = Channel.CreateUnbounded<EventBusItem>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });
            _reader = new CountingReader(this);
        }

        public EventBusFilter Filter { get; }

        public override ChannelReader<EventBusItem> Reader => _reader;

        public void Offer(ConversationEvent conversationEvent)
        {
            // Once overflowed, everything is dropped until the reader takes the marker: the reader will
            // re-read the gap from the store anyway, and this keeps the buffer bounded.
            if (Volatile.Read(ref _overflowed) == 1)
            {
                return;
            }

            if (Interlocked.Increment(ref _buffered) > _capacity)
            {
                Interlocked.Decrement(ref _buffered);
                if (Interlocked.Exchange(ref _overflowed, 1) == 0)
                {
                    _channel.Writer.TryWrite(EventBusItem.Overflow);
                }

                return;
            }

            if (!_channel.Writer.TryWrite(new EventBusItem(conversationEvent)))
            {
                Interlocked.Decrement(ref _buffered);
            }
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing && _channel.Writer.TryComplete())
            {
                _bus.Remove(this);
            }
        }

        private void OnRead(in EventBusItem item)
        {
            if (item.IsOverflow)
            {
                Volatile.Write(ref _overflowed, 0);
            }
            else
            {
                Interlocked.Decrement(ref _buffered);
            }
        }

        private sealed class CountingReader(Subscription owner) : ChannelReader<EventBusItem>
        {
            public override bool TryRead(out EventBusItem item)
            {
                if (owner._channel.Reader.TryRead(out item))
                {
                    owner.OnRead(item);
                    return true;
                }

                return false;
            }

            public override ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken = default) =>
                owner._channel.Reader.WaitToReadAsync(cancellationToken);

            public override Task Completion => owner._channel.Reader.Completion;
        }
    }
}
