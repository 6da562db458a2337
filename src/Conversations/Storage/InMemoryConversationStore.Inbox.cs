using Conversations.Storage;

namespace Conversations;

public sealed partial class InMemoryConversationStore
{
    /// <inheritdoc />
    public override ValueTask<IReadOnlyList<InboxRoomState>> GetInboxAsync(string accountId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(accountId);
        lock (_gate)
        {
            if (!_roomsByAccount.TryGetValue(accountId, out var roomIds))
            {
                return new((IReadOnlyList<InboxRoomState>)[]);
            }

            var states = new List<InboxRoomState>(roomIds.Count);
            foreach (var roomId in roomIds)
            {
                if (InboxRoomLocked(accountId, roomId) is { } state)
                {
                    states.Add(state);
                }
            }

            return new(states);
        }
    }

    /// <inheritdoc />
    public override ValueTask<InboxRoomState?> GetInboxRoomAsync(string accountId, string roomId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(accountId);
        ArgumentNullException.ThrowIfNull(roomId);
        lock (_gate)
        {
            return new(InboxRoomLocked(accountId, roomId));
        }
    }

    /// <inheritdoc />
    public override ValueTask<UpdateResult> UpdateMessageWithTriggerAsync(Message message, TriggerSpec trigger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(trigger);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var result = TryChangeLocked(message);
            if (result.Outcome != UpdateOutcome.Updated)
            {
                return new(result);
            }

            var stored = result.Message!;
            AddTriggerLocked(new FlowTriggerRecord
            {
                ConversationId = stored.ConversationId,
                AgentId = trigger.AgentId,
                Sequence = stored.LastSequence,
                RoomId = stored.RoomId,
                Kind = trigger.Kind,
                MessageId = trigger.MessageId,
                ChainDepth = trigger.ChainDepth,
                NextAttemptAt = DateTimeOffset.MinValue,
                CreatedAt = _timeProvider.GetUtcNow(),
            });
            return new(result);
        }
    }

    private void AddTriggerLocked(FlowTriggerRecord trigger)
    {
        if (!_triggers.TryAdd(trigger.Key, trigger))
        {
            return;
        }

        var lane = (trigger.ConversationId, trigger.AgentId);
        if (!_lanes.TryGetValue(lane, out var pending))
        {
            pending = [];
            _lanes.Add(lane, pending);
        }

        pending.Add(trigger.Sequence);
    }

    private InboxRoomState? InboxRoomLocked(string accountId, string roomId)
    {
        if (!_rooms.TryGetValue(roomId, out var room) || FindParticipantLocked(roomId, accountId, out _) is not { } membership)
        {
            return null;
        }

        var states = new List<InboxConversationState>();
        if (_conversationsByRoom.TryGetValue(roomId, out var conversationIds))
        {
            foreach (var conversationId in conversationIds)
            {
                var log = _conversations[conversationId];
                var read = log.ReadMarkers.TryGetValue(accountId, out var marker) ? marker.Sequence : 0;
                long unread = 0;
                for (var i = FirstIndexAbove(log.Messages, read); i < log.Messages.Count; i++)
                {
                    var message = log.Messages[i];
                    if (!message.IsDeleted && !string.Equals(message.SenderId, accountId, StringComparison.Ordinal))
                    {
                        unread++;
                    }
                }

                states.Add(new InboxConversationState(log.Snapshot(), log.Messages.Count > 0 ? log.Messages[^1] : null, read, unread));
            }
        }

        return new InboxRoomState(room, membership, states);
    }
}
