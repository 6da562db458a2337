using Conversations.Internal;
using Conversations.Storage;

namespace Conversations;

/// <summary>
/// The default store: keeps everything in process memory. Fast and exact, and gone when the process ends.
/// Use it for tests, demos and hosts that keep history elsewhere.
/// </summary>
/// <remarks>Thread-safe. All operations complete synchronously under one lock; each is a few dictionary operations.</remarks>
public sealed partial class InMemoryConversationStore : ConversationStore
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _timeProvider;
    private readonly Dictionary<string, Room> _rooms = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _directRooms = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Participant>> _participants = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SortedSet<string>> _roomsByAccount = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _conversationsByRoom = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ConversationLog> _conversations = new(StringComparer.Ordinal);

    /// <summary>Initializes a new instance of the <see cref="InMemoryConversationStore"/> class.</summary>
    /// <param name="timeProvider">The clock that stamps log entries; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    public InMemoryConversationStore(TimeProvider? timeProvider = null)
    {
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public override ValueTask CreateRoomAsync(Room room, IReadOnlyList<Participant> participants, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(room);
        ArgumentNullException.ThrowIfNull(participants);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            AddRoomLocked(room, participants);
        }

        return default;
    }

    /// <inheritdoc />
    public override ValueTask<DirectRoomResult> GetOrCreateDirectRoomAsync(string directKey, Room room, IReadOnlyList<Participant> participants, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(directKey);
        ArgumentNullException.ThrowIfNull(room);
        ArgumentNullException.ThrowIfNull(participants);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (_directRooms.TryGetValue(directKey, out var existingId))
            {
                return new(new DirectRoomResult(_rooms[existingId], Created: false));
            }

            AddRoomLocked(room, participants);
            _directRooms.Add(directKey, room.Id);
            return new(new DirectRoomResult(room, Created: true));
        }
    }

    /// <inheritdoc />
    public override ValueTask<Room?> GetRoomAsync(string roomId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(roomId);
        lock (_gate)
        {
            return new(_rooms.GetValueOrDefault(roomId));
        }
    }

    /// <inheritdoc />
    public override ValueTask<IReadOnlyList<Room>> GetRoomsForAccountAsync(string accountId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(accountId);
        lock (_gate)
        {
            IReadOnlyList<Room> rooms = _roomsByAccount.TryGetValue(accountId, out var ids)
                ? ids.Select(id => _rooms[id]).ToArray()
                : [];
            return new(rooms);
        }
    }

    /// <inheritdoc />
    public override ValueTask<Participant?> GetParticipantAsync(string roomId, string accountId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(roomId);
        ArgumentNullException.ThrowIfNull(accountId);
        lock (_gate)
        {
            return new(FindParticipantLocked(roomId, accountId, out _));
        }
    }

    /// <inheritdoc />
    public override ValueTask<IReadOnlyList<Participant>> GetParticipantsAsync(string roomId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(roomId);
        lock (_gate)
        {
            IReadOnlyList<Participant> list = _participants.TryGetValue(roomId, out var participants) ? participants.ToArray() : [];
            return new(list);
        }
    }

    /// <inheritdoc />
    public override ValueTask<bool> AddParticipantAsync(Participant participant, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(participant);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (!_rooms.ContainsKey(participant.RoomId) || FindParticipantLocked(participant.RoomId, participant.AccountId, out _) is not null)
            {
                return new(false);
            }

            AddParticipantLocked(participant);
            return new(true);
        }
    }

    /// <inheritdoc />
    public override ValueTask<bool> UpdateParticipantAsync(Participant participant, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(participant);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (FindParticipantLocked(participant.RoomId, participant.AccountId, out var index) is not { } existing)
            {
                return new(false);
            }

            _participants[participant.RoomId][index] = new Participant
            {
                RoomId = existing.RoomId,
                AccountId = existing.AccountId,
                Kind = existing.Kind,
                JoinedAt = existing.JoinedAt,
                Role = participant.Role,
                AutoRespond = participant.AutoRespond,
                DisplayName = participant.DisplayName,
            };
            return new(true);
        }
    }

    /// <inheritdoc />
    public override ValueTask<bool> RemoveParticipantAsync(string roomId, string accountId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(roomId);
        ArgumentNullException.ThrowIfNull(accountId);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (FindParticipantLocked(roomId, accountId, out var index) is null)
            {
                return new(false);
            }

            _participants[roomId].RemoveAt(index);
            _roomsByAccount[accountId].Remove(roomId);
            return new(true);
        }
    }

    /// <inheritdoc />
    public override ValueTask CreateConversationAsync(Conversation conversation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (!_rooms.ContainsKey(conversation.RoomId))
            {
                throw new NotFoundException($"Room '{conversation.RoomId}' does not exist.");
            }

            _conversations.Add(conversation.Id, new ConversationLog(conversation));
            GetOrAdd(_conversationsByRoom, conversation.RoomId).Add(conversation.Id);
            AddTriggersLocked(conversation.RoomId, conversation.Id, conversation.CreatedBy, 0, FlowTriggerKind.ConversationCreated, messageId: null, chainDepth: 0);
        }

        return default;
    }

    /// <inheritdoc />
    public override ValueTask<Conversation?> GetConversationAsync(string conversationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        lock (_gate)
        {
            return new(_conversations.TryGetValue(conversationId, out var log) ? log.Snapshot() : null);
        }
    }

    /// <inheritdoc />
    public override ValueTask<IReadOnlyList<Conversation>> GetConversationsAsync(string roomId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(roomId);
        lock (_gate)
        {
            IReadOnlyList<Conversation> list = _conversationsByRoom.TryGetValue(roomId, out var ids)
                ? ids.Select(id => _conversations[id].Snapshot()).ToArray()
                : [];
            return new(list);
        }
    }

    /// <inheritdoc />
    public override ValueTask<AppendResult> AppendMessageAsync(Message message, AppendOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(options);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var log = GetLogLocked(message.ConversationId);
            if (message.ClientMessageId is { } clientId
                && log.ByClientId.TryGetValue((message.SenderId, clientId), out var existingIndex))
            {
                return new(new AppendResult(log.Messages[existingIndex], Created: false));
            }

            var sequence = log.LastSequence + 1;
            var stored = message.With(sequence: sequence, lastSequence: sequence);
            log.Append(stored, LogEntryKind.Posted, _timeProvider.GetUtcNow());
            if (stored.Status == MessageStatus.Streaming)
            {
                log.Streams[stored.Id] = new StreamInfo(options.StreamLease?.Owner, options.StreamLease?.ExpiresAt, 0);
            }

            var triggers = options.CreateTriggers
                ? AddTriggersLocked(stored.RoomId, stored.ConversationId, stored.SenderId, sequence, FlowTriggerKind.MessagePosted, stored.Id, stored.ChainDepth)
                : 0;
            return new(new AppendResult(stored, Created: true, triggers));
        }
    }

    /// <inheritdoc />
    public override ValueTask<UpdateResult> UpdateMessageAsync(Message message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return new(TryChangeLocked(message));
        }
    }

    /// <summary>
    /// Stores a change if the message is still at the <see cref="Message.LastSequence"/> the caller read and not deleted
    /// (compare-and-swap); the caller holds the lock.
    /// </summary>
    private UpdateResult TryChangeLocked(Message message)
    {
        if (!_conversations.TryGetValue(message.ConversationId, out var log)
            || !log.IndexById.TryGetValue(message.Id, out var index))
        {
            return new UpdateResult(UpdateOutcome.NotFound, null);
        }

        var current = log.Messages[index];
        return current.IsDeleted || current.LastSequence != message.LastSequence
            ? new UpdateResult(UpdateOutcome.Conflict, current)
            : new UpdateResult(UpdateOutcome.Updated, StoreChangeLocked(log, index, message));
    }

    /// <inheritdoc />
    public override ValueTask<Message?> GetMessageAsync(string conversationId, string messageId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        ArgumentNullException.ThrowIfNull(messageId);
        lock (_gate)
        {
            return new(_conversations.TryGetValue(conversationId, out var log) && log.IndexById.TryGetValue(messageId, out var index)
                ? log.Messages[index]
                : null);
        }
    }

    /// <inheritdoc />
    public override ValueTask<IReadOnlyList<Message>> GetMessagesAsync(string conversationId, HistoryQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        ArgumentNullException.ThrowIfNull(query);
        lock (_gate)
        {
            if (!_conversations.TryGetValue(conversationId, out var log))
            {
                return new((IReadOnlyList<Message>)[]);
            }

            var messages = log.Messages;
            int start, end;
            if (query.After is { } after)
            {
                start = FirstIndexAbove(messages, after);
                end = Math.Min(messages.Count, start + query.Limit);
            }
            else
            {
                end = query.Before is { } before ? FirstIndexAbove(messages, before - 1) : messages.Count;
                start = Math.Max(0, end - query.Limit);
            }

            return new(messages.GetRange(start, end - start).ToArray());
        }
    }

    /// <inheritdoc />
    public override ValueTask<IReadOnlyList<LogEntry>> ReadLogAsync(string conversationId, long afterSequence, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        lock (_gate)
        {
            if (!_conversations.TryGetValue(conversationId, out var log) || afterSequence >= log.Entries.Count)
            {
                return new((IReadOnlyList<LogEntry>)[]);
            }

            // Sequences are 1..N with no gaps, so entry s sits at index s - 1.
            var start = (int)Math.Max(0, afterSequence);
            var count = Math.Min(limit, log.Entries.Count - start);
            var entries = new LogEntry[count];
            for (var i = 0; i < count; i++)
            {
                var raw = log.Entries[start + i];
                entries[i] = new LogEntry(start + i + 1, raw.Kind, log.Messages[raw.MessageIndex], raw.Timestamp);
            }

            return new(entries);
        }
    }

    /// <inheritdoc />
    public override ValueTask<ReadMarkerResult> SetReadMarkerAsync(ReadMarker marker, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(marker);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var log = GetLogLocked(marker.ConversationId);
            if (log.ReadMarkers.TryGetValue(marker.AccountId, out var existing) && existing.Sequence >= marker.Sequence)
            {
                return new(new ReadMarkerResult(existing, Moved: false));
            }

            log.ReadMarkers[marker.AccountId] = marker;
            return new(new ReadMarkerResult(marker, Moved: true));
        }
    }

    /// <inheritdoc />
    public override ValueTask<IReadOnlyList<ReadMarker>> GetReadMarkersAsync(string conversationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        lock (_gate)
        {
            IReadOnlyList<ReadMarker> markers = _conversations.TryGetValue(conversationId, out var log)
                ? log.ReadMarkers.Values.OrderBy(m => m.AccountId, StringComparer.Ordinal).ToArray()
                : [];
            return new(markers);
        }
    }

    private static int FirstIndexAbove(List<Message> messages, long sequence)
    {
        int lo = 0, hi = messages.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (messages[mid].Sequence <= sequence)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    private static List<T> GetOrAdd<T>(Dictionary<string, List<T>> map, string key)
    {
        if (!map.TryGetValue(key, out var list))
        {
            list = [];
            map.Add(key, list);
        }

        return list;
    }

    private ConversationLog GetLogLocked(string conversationId) =>
        _conversations.TryGetValue(conversationId, out var log)
            ? log
            : throw new NotFoundException($"Conversation '{conversationId}' does not exist.");

    private void AddRoomLocked(Room room, IReadOnlyList<Participant> participants)
    {
        if (_rooms.ContainsKey(room.Id))
        {
            throw new ConflictException($"Room '{room.Id}' already exists.");
        }

        _rooms.Add(room.Id, room);
        _participants.Add(room.Id, []);
        foreach (var participant in participants)
        {
            AddParticipantLocked(participant);
        }
    }

    private void AddParticipantLocked(Participant participant)
    {
        _participants[participant.RoomId].Add(participant);
        if (!_roomsByAccount.TryGetValue(participant.AccountId, out var rooms))
        {
            rooms = new SortedSet<string>(StringComparer.Ordinal);
            _roomsByAccount.Add(participant.AccountId, rooms);
        }

        rooms.Add(participant.RoomId);
    }

    private Participant? FindParticipantLocked(string roomId, string accountId, out int index)
    {
        index = -1;
        if (!_participants.TryGetValue(roomId, out var list))
        {
            return null;
        }

        index = list.FindIndex(p => string.Equals(p.AccountId, accountId, StringComparison.Ordinal));
        return index < 0 ? null : list[index];
    }

    private readonly record struct RawEntry(LogEntryKind Kind, int MessageIndex, DateTimeOffset Timestamp);

    private sealed class ConversationLog(Conversation conversation)
    {
        public List<Message> Messages { get; } = [];

        public Dictionary<string, int> IndexById { get; } = new(StringComparer.Ordinal);

        public Dictionary<(string Sender, string ClientId), int> ByClientId { get; } = [];

        public List<RawEntry> Entries { get; } = [];

        public Dictionary<string, ReadMarker> ReadMarkers { get; } = new(StringComparer.Ordinal);

        /// <summary>The owners, leases and checkpoints of the conversation's streaming messages, by message id.</summary>
        public Dictionary<string, StreamInfo> Streams { get; } = new(StringComparer.Ordinal);

        public long LastSequence => Entries.Count;

        public Conversation Snapshot() => new()
        {
            Id = conversation.Id,
            RoomId = conversation.RoomId,
            Title = conversation.Title,
            CreatedBy = conversation.CreatedBy,
            CreatedAt = conversation.CreatedAt,
            LastSequence = LastSequence,
        };

        public void Append(Message message, LogEntryKind kind, DateTimeOffset now)
        {
            Messages.Add(message);
            var index = Messages.Count - 1;
            IndexById.Add(message.Id, index);
            if (message.ClientMessageId is { } clientId)
            {
                ByClientId.Add((message.SenderId, clientId), index);
            }

            Record(message.Sequence, kind, index, now);
        }

        public void Record(long sequence, LogEntryKind kind, int index, DateTimeOffset now)
        {
            if (sequence != Entries.Count + 1)
            {
                throw new InvalidOperationException("Log sequences must be gapless.");
            }

            Entries.Add(new RawEntry(kind, index, now));
        }
    }
}
