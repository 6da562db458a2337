using System.Globalization;
using Conversations.Storage;
using Conversations.Transport;
using Microsoft.Extensions.Logging;

namespace Conversations.Internal;

/// <summary>
/// Each account's inbox: its rooms by last activity, with the latest message, unread counts and read positions, read from the
/// store; and a subscription that reads a room's entry again whenever the bus rings for that room ("doorbells over the store").
/// </summary>
/// <remarks>
/// Nothing is kept per account between calls: the store is the truth. A subscriber tells which entries it holds (room id and
/// <see cref="InboxEntry.Version"/>) and gets only what differs; the version is computed from the store's state (log sequences
/// and read markers only grow), so a re-read never goes back and an unchanged room is never sent twice. Thread-safe.
/// </remarks>
internal sealed partial class InboxService(EngineCore core, ConversationEventBus bus, ILogger<InboxService> logger)
{
    public async Task<InboxPage> GetPageAsync(Account caller, InboxQuery? query, CancellationToken cancellationToken)
    {
        ValidateCaller(caller);
        query ??= new InboxQuery();
        if (query.Limit < 1 || query.Limit > core.Options.MaxPageSize)
        {
            throw new InvalidArgumentException($"The page size must be between 1 and {core.Options.MaxPageSize}.");
        }

        var after = query.Cursor is null ? (InboxPosition?)null : InboxPosition.Parse(query.Cursor, core.Options.MaxIdLength);
        var states = await core.Store.GetInboxAsync(caller.Id, cancellationToken).ConfigureAwait(false);
        var ordered = states.Where(s => s.Membership.Kind == caller.Kind).Select(ToEntry).OrderBy(e => e, EntryOrder.Instance).ToList();
        var start = after is { } position ? ordered.FindIndex(e => position.IsBefore(e)) : 0;
        if (start < 0)
        {
            start = ordered.Count;
        }

        var page = ordered.Skip(start).Take(query.Limit).ToArray();
        var hasMore = start + page.Length < ordered.Count;
        return new InboxPage
        {
            Entries = page,
            HasMore = hasMore,
            NextCursor = hasMore ? InboxPosition.Of(page[^1]).ToString() : null,
        };
    }

    /// <summary>Checks the arguments at once (the subscription itself starts on its first read).</summary>
    public Dictionary<string, long> ValidateSubscription(Account caller, IReadOnlyDictionary<string, long>? knownVersions)
    {
        ValidateCaller(caller);
        var held = new Dictionary<string, long>(StringComparer.Ordinal);
        if (knownVersions is null)
        {
            return held;
        }

        if (knownVersions.Count > core.Options.MaxInboxKnownRooms)
        {
            throw new LimitExceededException($"An inbox subscription may list at most {core.Options.MaxInboxKnownRooms} known rooms; this one lists {knownVersions.Count}.");
        }

        foreach (var (roomId, version) in knownVersions)
        {
            core.ValidateId(roomId, "known room id");
            if (version < 0)
            {
                throw new InvalidArgumentException($"The known version of room '{roomId}' must be 0 or more.");
            }

            held[roomId] = version;
        }

        return held;
    }

    public async IAsyncEnumerable<InboxEvent> SubscribeAsync(
        Account caller,
        Dictionary<string, long> held,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Live before the store is read: whatever changes after the first read rings a doorbell this subscription hears.
        using var subscription = await bus.SubscribeAsync(EventBusFilter.All, core.Options.SubscriberBufferCapacity, cancellationToken).ConfigureAwait(false);
        foreach (var e in await ResyncAsync(caller, held, cancellationToken).ConfigureAwait(false))
        {
            yield return e;
        }

        var reader = subscription.Reader;
        var dirty = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var resync = false;
            dirty.Clear();
            seen.Clear();

            // Everything waiting is read first, so a burst of posts in one room costs one store read.
            while (reader.TryRead(out var item))
            {
                switch (item.Kind)
                {
                    case EventBusItemKind.Overflow:
                        resync = true;
                        break;
                    case EventBusItemKind.CatchUp when item.RoomId is { } roomId && held.ContainsKey(roomId):
                        Mark(roomId);
                        break;
                    case EventBusItemKind.Event when Concerns(caller, item.Event!, held) is { } roomId:
                        Mark(roomId);
                        break;
                }
            }

            if (resync)
            {
                Log.InboxResync(logger, caller.Id);
                foreach (var e in await ResyncAsync(caller, held, cancellationToken).ConfigureAwait(false))
                {
                    yield return e;
                }

                continue;
            }

            foreach (var roomId in dirty)
            {
                var state = await core.Store.GetInboxRoomAsync(caller.Id, roomId, cancellationToken).ConfigureAwait(false);
                if (Compare(caller, roomId, state, held) is { } e)
                {
                    yield return e;
                }
            }
        }

        void Mark(string roomId)
        {
            if (seen.Add(roomId))
            {
                dirty.Add(roomId);
            }
        }
    }

    /// <summary>Turns the store's view of a room into the entry clients see.</summary>
    public InboxEntry ToEntry(InboxRoomState state)
    {
        var conversations = new InboxConversation[state.Conversations.Count];
        MessagePreview? last = null;
        Message? lastMessage = null;
        var activity = state.Membership.JoinedAt;
        long unread = 0, version = 0;
        for (var i = 0; i < conversations.Length; i++)
        {
            var c = state.Conversations[i];
            var at = c.LastMessage is { } m && m.CreatedAt > c.Conversation.CreatedAt ? m.CreatedAt : c.Conversation.CreatedAt;
            conversations[i] = new InboxConversation
            {
                ConversationId = c.Conversation.Id,
                Title = c.Conversation.Title,
                LastSequence = c.Conversation.LastSequence,
                ReadSequence = c.ReadSequence,
                UnreadCount = c.UnreadCount,
                LastActivityAt = at,
            };
            activity = at > activity ? at : activity;
            unread += c.UnreadCount;

            // Log sequences and read markers only grow, and every change to the entry moves one of them (a new conversation adds one).
            version += c.Conversation.LastSequence + c.ReadSequence + 1;
            if (c.LastMessage is { } candidate && (lastMessage is null || candidate.CreatedAt > lastMessage.CreatedAt))
            {
                lastMessage = candidate;
            }
        }

        if (lastMessage is not null)
        {
            last = Preview(lastMessage);
        }

        return new InboxEntry
        {
            Room = state.Room,
            JoinedAt = state.Membership.JoinedAt,
            LastActivityAt = activity,
            LastMessage = last,
            UnreadCount = unread,
            Conversations = conversations,
            Version = version,
        };
    }

    private MessagePreview Preview(Message message)
    {
        var limit = core.Options.InboxPreviewLength;
        var text = message.Text;
        var truncated = text.Length > limit;
        if (truncated)
        {
            // Never cut a surrogate pair in two.
            var cut = char.IsHighSurrogate(text[limit - 1]) ? limit - 1 : limit;
            text = text[..cut];
        }

        return new MessagePreview
        {
            MessageId = message.Id,
            ConversationId = message.ConversationId,
            Sequence = message.Sequence,
            SenderId = message.SenderId,
            SenderKind = message.SenderKind,
            Text = text,
            IsTruncated = truncated,
            Format = message.Format,
            Status = message.Status,
            AttachmentCount = message.Attachments.Count,
            CreatedAt = message.CreatedAt,
            EditedAt = message.EditedAt,
            DeletedAt = message.DeletedAt,
        };
    }

    /// <summary>Reads every room of the inbox and reports what differs from what the subscriber holds.</summary>
    private async Task<List<InboxEvent>> ResyncAsync(Account caller, Dictionary<string, long> held, CancellationToken cancellationToken)
    {
        var states = await core.Store.GetInboxAsync(caller.Id, cancellationToken).ConfigureAwait(false);
        var entries = states.Where(s => s.Membership.Kind == caller.Kind).Select(ToEntry).OrderBy(e => e, EntryOrder.Instance).ToList();
        var events = new List<InboxEvent>();
        var present = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            present.Add(entry.Room.Id);
            if (Compare(entry, held) is { } e)
            {
                events.Add(e);
            }
        }

        foreach (var roomId in held.Keys.Where(id => !present.Contains(id)).ToArray())
        {
            held.Remove(roomId);
            events.Add(new InboxRoomRemovedEvent { RoomId = roomId, Timestamp = core.Now });
        }

        return events;
    }

    private InboxEvent? Compare(Account caller, string roomId, InboxRoomState? state, Dictionary<string, long> held)
    {
        if (state is null || state.Membership.Kind != caller.Kind)
        {
            return held.Remove(roomId) ? new InboxRoomRemovedEvent { RoomId = roomId, Timestamp = core.Now } : null;
        }

        return Compare(ToEntry(state), held);
    }

    private InboxEvent? Compare(InboxEntry entry, Dictionary<string, long> held)
    {
        var roomId = entry.Room.Id;
        if (!held.TryGetValue(roomId, out var version))
        {
            held[roomId] = entry.Version;
            return new InboxRoomAddedEvent { RoomId = roomId, Timestamp = core.Now, Entry = entry };
        }

        if (version == entry.Version)
        {
            return null;
        }

        held[roomId] = entry.Version;
        return new InboxRoomUpdatedEvent { RoomId = roomId, Timestamp = core.Now, Entry = entry };
    }

    /// <summary>The room whose entry an event may change for the caller, or <see langword="null"/>.</summary>
    private static string? Concerns(Account caller, ConversationEvent e, Dictionary<string, long> held)
    {
        switch (e)
        {
            case ParticipantAddedEvent added when Is(caller, added.Participant.AccountId):
            case ParticipantRemovedEvent removed when Is(caller, removed.AccountId):
            case RoomCreatedEvent created when created.Participants.Any(p => Is(caller, p.AccountId)):
                return e.RoomId;
        }

        if (!held.ContainsKey(e.RoomId))
        {
            return null;
        }

        return e switch
        {
            MessageLogEvent or ConversationCreatedEvent => e.RoomId,
            ReadEvent when Is(caller, e.ActorId) => e.RoomId,
            _ => null,
        };
    }

    private static bool Is(Account caller, string accountId) => string.Equals(caller.Id, accountId, StringComparison.Ordinal);

    private static void ValidateCaller(Account caller)
    {
        EngineCore.ValidateCaller(caller);
        if (caller.IsSystem)
        {
            throw new InvalidArgumentException("The system account has no inbox: it participates in no room.");
        }
    }

    /// <summary>Newest activity first, then room id, so pages never overlap.</summary>
    private sealed class EntryOrder : IComparer<InboxEntry>
    {
        public static EntryOrder Instance { get; } = new();

        public int Compare(InboxEntry? x, InboxEntry? y)
        {
            var byTime = y!.LastActivityAt.CompareTo(x!.LastActivityAt);
            return byTime != 0 ? byTime : string.CompareOrdinal(x.Room.Id, y.Room.Id);
        }
    }

    /// <summary>Where a page ends: the last entry's activity and room id, written as an opaque cursor.</summary>
    private readonly record struct InboxPosition(long Ticks, string RoomId)
    {
        public static InboxPosition Of(InboxEntry entry) => new(entry.LastActivityAt.UtcTicks, entry.Room.Id);

        public static InboxPosition Parse(string cursor, int maxIdLength)
        {
            var colon = cursor.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || colon == cursor.Length - 1 || cursor.Length - colon - 1 > maxIdLength
                || !long.TryParse(cursor.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks))
            {
                throw new InvalidArgumentException("The inbox cursor is malformed; pass back a nextCursor this server gave out.");
            }

            return new InboxPosition(ticks, cursor[(colon + 1)..]);
        }

        /// <summary>Tells whether <paramref name="entry"/> comes after this position.</summary>
        public bool IsBefore(InboxEntry entry)
        {
            var ticks = entry.LastActivityAt.UtcTicks;
            return ticks < Ticks || (ticks == Ticks && string.CompareOrdinal(entry.Room.Id, RoomId) > 0);
        }

        public override string ToString() => Ticks.ToString(CultureInfo.InvariantCulture) + ":" + RoomId;
    }
}
