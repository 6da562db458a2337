using Conversations.Transport;

namespace Conversations.Redis.Internal;

/// <summary>
/// This host's delivered cursor per conversation, for one path of delivery (a room's channel, or the bus-wide pattern):
/// log events and doorbells are handed on in sequence order, each at most once. One that arrives ahead of a missing
/// predecessor waits up to the reorder window for it, then goes on anyway — subscribers read the gap from the store.
/// </summary>
/// <remarks>Thread-safe; delivery runs under the lock, into non-blocking subscription buffers, so it keeps its order.</remarks>
internal sealed class DeliveryCursors : IDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Cursor> _cursors = new(StringComparer.Ordinal);
    private readonly Action<EventBusItem> _deliver;
    private readonly TimeProvider _time;
    private readonly TimeSpan _window;
    private readonly int _maxTracked;
    private bool _disposed;

    public DeliveryCursors(Action<EventBusItem> deliver, TimeProvider time, TimeSpan window, int maxTracked)
    {
        _deliver = deliver;
        _time = time;
        _window = window;
        _maxTracked = maxTracked;
    }

    /// <summary>
    /// Gets or sets a value indicating whether a conversation seen for the first time starts at the event seen (true), or
    /// at 0 — once the path knows every conversation that existed when it began to follow them.
    /// </summary>
    public bool StartAtFirstSight { get; set; } = true;

    /// <summary>Takes an item received from Redis.</summary>
    public void OnItem(in EventBusItem item)
    {
        if (item.Sequence == 0 || item.ConversationId is not { } conversationId)
        {
            // Live events, room events, and doorbells without a sequence: nothing to order.
            lock (_gate)
            {
                _deliver(item);
            }

            return;
        }

        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            var cursor = Find(conversationId, item.Sequence - 1);
            var sequence = item.Sequence;
            if (sequence <= cursor.Delivered)
            {
                return;
            }

            if (sequence == cursor.Delivered + 1)
            {
                Deliver(cursor, item);
                Drain(cursor);
                return;
            }

            cursor.Pending ??= [];
            if (!cursor.Pending.TryGetValue(sequence, out var held) || held.Kind == EventBusItemKind.CatchUp)
            {
                cursor.Pending[sequence] = item;
            }

            if (_window <= TimeSpan.Zero)
            {
                Flush(cursor);
            }
            else
            {
                cursor.Timer ??= _time.CreateTimer(static s => ((Cursor)s!).Owner.OnTimer((Cursor)s), cursor, _window, Timeout.InfiniteTimeSpan);
            }
        }
    }

    /// <summary>Records where a conversation stood when the path began to follow it (from the store).</summary>
    public void Seed(string conversationId, long sequence)
    {
        lock (_gate)
        {
            var cursor = Find(conversationId, sequence);
            cursor.Delivered = Math.Max(cursor.Delivered, sequence);
        }
    }

    /// <summary>
    /// The store says the conversation reached <paramref name="sequence"/>: if this path delivered less, hand on what is held
    /// and a catch-up doorbell. Returns whether a doorbell was rung.
    /// </summary>
    public bool CatchUp(string roomId, string conversationId, long sequence)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return false;
            }

            var cursor = Find(conversationId, 0);
            if (sequence <= cursor.Delivered)
            {
                return false;
            }

            Flush(cursor);
            if (sequence <= cursor.Delivered)
            {
                return false;
            }

            Deliver(cursor, EventBusItem.CatchUp(roomId, conversationId, sequence));
            return true;
        }
    }

    /// <summary>Lists the conversations this path follows, with the sequence it delivered.</summary>
    public IReadOnlyList<(string ConversationId, long Delivered)> Snapshot()
    {
        lock (_gate)
        {
            return [.. _cursors.Select(c => (c.Key, c.Value.Delivered))];
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            foreach (var cursor in _cursors.Values)
            {
                cursor.Timer?.Dispose();
            }

            _cursors.Clear();
        }
    }

    private Cursor Find(string conversationId, long firstSight)
    {
        if (_cursors.TryGetValue(conversationId, out var cursor))
        {
            return cursor;
        }

        if (_cursors.Count >= _maxTracked)
        {
            // Forget the settled ones; a forgotten conversation starts again at the next event seen.
            foreach (var (id, old) in _cursors.Where(c => c.Value.Pending is not { Count: > 0 }).ToArray())
            {
                _cursors.Remove(id);
                old.Timer?.Dispose();
            }
        }

        cursor = new Cursor(this) { Delivered = StartAtFirstSight ? Math.Max(0, firstSight) : 0 };
        _cursors[conversationId] = cursor;
        return cursor;
    }

    private void Deliver(Cursor cursor, in EventBusItem item)
    {
        cursor.Delivered = item.Sequence;
        _deliver(item);
    }

    /// <summary>Hands on the held items that now follow without a gap.</summary>
    private void Drain(Cursor cursor)
    {
        while (cursor.Pending is { Count: > 0 } pending)
        {
            var first = pending.GetKeyAtIndex(0);
            if (first <= cursor.Delivered)
            {
                pending.RemoveAt(0);
                continue;
            }

            if (first != cursor.Delivered + 1)
            {
                return;
            }

            var item = pending.GetValueAtIndex(0);
            pending.RemoveAt(0);
            Deliver(cursor, item);
        }

        StopTimer(cursor);
    }

    /// <summary>Hands on everything held, gaps and all: the subscribers fill the gaps from the store.</summary>
    private void Flush(Cursor cursor)
    {
        if (cursor.Pending is { Count: > 0 } pending)
        {
            foreach (var (sequence, item) in pending)
            {
                if (sequence > cursor.Delivered)
                {
                    Deliver(cursor, item);
                }
            }

            pending.Clear();
        }

        StopTimer(cursor);
    }

    private static void StopTimer(Cursor cursor)
    {
        if (cursor.Pending is not { Count: > 0 })
        {
            cursor.Timer?.Dispose();
            cursor.Timer = null;
        }
    }

    private void OnTimer(Cursor cursor)
    {
        lock (_gate)
        {
            if (!_disposed)
            {
                Flush(cursor);
            }
        }
    }

    private sealed class Cursor(DeliveryCursors owner)
    {
        public DeliveryCursors Owner { get; } = owner;

        public long Delivered { get; set; }

        public SortedList<long, EventBusItem>? Pending { get; set; }

        public ITimer? Timer { get; set; }
    }
}
