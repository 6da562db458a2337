using System.Threading.Channels;

namespace Conversations.Client.Internal;

/// <summary>
/// The inbox subscription: a bounded buffer for its reader, and the version of every entry handed to it, so that a
/// resubscription (after a reconnect, or after the buffer overflowed) sends those versions and gets only what changed.
/// </summary>
/// <remarks>
/// Delivery is idempotent: an added or updated entry at the version already delivered, or a removal of a room not held, is
/// dropped, so events that overlap a resubscription's answer reach the reader once. Overflow policy: when the buffer is
/// full, everything is dropped until the reader has emptied it; the reader then subscribes again with the versions it has.
/// </remarks>
internal sealed class ClientInboxSubscription(int capacity)
{
    private readonly Channel<InboxEvent> _events = Channel.CreateBounded<InboxEvent>(new BoundedChannelOptions(capacity)
    {
        SingleReader = true,
        SingleWriter = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private readonly Dictionary<string, long> _versions = new(StringComparer.Ordinal);
    private int _dropping;
    private int _overflowed;

    public bool Acknowledged { get; set; }

    public bool Overflowed => Volatile.Read(ref _overflowed) == 1;

    public ChannelReader<InboxEvent> Reader => _events.Reader;

    /// <summary>Seeds the versions the caller says it holds.</summary>
    public void Know(IReadOnlyDictionary<string, long>? known)
    {
        if (known is null)
        {
            return;
        }

        lock (_versions)
        {
            foreach (var (roomId, version) in known)
            {
                _versions[roomId] = version;
            }
        }
    }

    /// <summary>The versions of the entries delivered (or known from the start), for a resubscription.</summary>
    public Dictionary<string, long> Known()
    {
        lock (_versions)
        {
            return new Dictionary<string, long>(_versions, StringComparer.Ordinal);
        }
    }

    /// <summary>Called by the receive loop only; never waits.</summary>
    public void Deliver(InboxEvent e)
    {
        if (Volatile.Read(ref _dropping) == 1)
        {
            return;
        }

        lock (_versions)
        {
            var stale = e switch
            {
                InboxRoomAddedEvent added => _versions.TryGetValue(added.RoomId, out var v) && v == added.Entry.Version,
                InboxRoomUpdatedEvent updated => _versions.TryGetValue(updated.RoomId, out var v) && v == updated.Entry.Version,
                InboxRoomRemovedEvent removed => !_versions.ContainsKey(removed.RoomId),
                _ => false,
            };
            if (stale)
            {
                return;
            }

            if (!_events.Writer.TryWrite(e))
            {
                Volatile.Write(ref _dropping, 1);
                Volatile.Write(ref _overflowed, 1);
                return;
            }

            switch (e)
            {
                case InboxRoomAddedEvent added:
                    _versions[added.RoomId] = added.Entry.Version;
                    break;
                case InboxRoomUpdatedEvent updated:
                    _versions[updated.RoomId] = updated.Entry.Version;
                    break;
                case InboxRoomRemovedEvent removed:
                    _versions.Remove(removed.RoomId);
                    break;
            }
        }
    }

    /// <summary>Called by the reader when it resubscribes after an overflow.</summary>
    public void Rearm() => Volatile.Write(ref _overflowed, 0);

    /// <summary>Called on the receive loop when a resubscription is acknowledged: what follows is the server's difference.</summary>
    public void Resubscribed()
    {
        if (!Overflowed)
        {
            Volatile.Write(ref _dropping, 0);
        }
    }

    public void Complete(Exception? error = null) => _events.Writer.TryComplete(error);
}
