using System.Threading.Channels;
using Conversations.Transport;

namespace Conversations.Redis.Internal;

/// <summary>
/// One subscriber on this host: a buffer of at most its capacity; past that, items are dropped and one overflow marker is
/// delivered, after which the subscriber re-reads the gap from the store.
/// </summary>
internal sealed class LocalSubscription : EventBusSubscription
{
    private readonly Action<LocalSubscription> _remove;
    private readonly int _capacity;
    private readonly Channel<EventBusItem> _channel = Channel.CreateUnbounded<EventBusItem>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });
    private readonly CountingReader _reader;
    private int _buffered;
    private int _overflowed;

    public LocalSubscription(EventBusFilter filter, int capacity, Action<LocalSubscription> remove)
    {
        Filter = filter;
        _capacity = capacity;
        _remove = remove;
        _reader = new CountingReader(this);
    }

    public EventBusFilter Filter { get; }

    public override ChannelReader<EventBusItem> Reader => _reader;

    /// <summary>Hands an item over if it matches; never blocks.</summary>
    public void Offer(in EventBusItem item)
    {
        if (item.Kind != EventBusItemKind.Overflow && !Filter.Matches(item.RoomId, item.ConversationId))
        {
            return;
        }

        if (Volatile.Read(ref _overflowed) == 1)
        {
            return;
        }

        if (item.Kind != EventBusItemKind.Overflow && Interlocked.Increment(ref _buffered) > _capacity)
        {
            Interlocked.Decrement(ref _buffered);
            MarkOverflow();
            return;
        }

        if (item.Kind == EventBusItemKind.Overflow)
        {
            MarkOverflow();
            return;
        }

        if (!_channel.Writer.TryWrite(item))
        {
            Interlocked.Decrement(ref _buffered);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && _channel.Writer.TryComplete())
        {
            _remove(this);
        }
    }

    private void MarkOverflow()
    {
        if (Interlocked.Exchange(ref _overflowed, 1) == 0)
        {
            _channel.Writer.TryWrite(EventBusItem.Overflow);
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

    private sealed class CountingReader(LocalSubscription owner) : ChannelReader<EventBusItem>
    {
        public override Task Completion => owner._channel.Reader.Completion;

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
    }
}
