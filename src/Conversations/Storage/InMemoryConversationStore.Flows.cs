using Conversations.Internal;
using Conversations.Storage;

namespace Conversations;

public sealed partial class InMemoryConversationStore
{
    private readonly Dictionary<FlowTriggerKey, FlowTriggerRecord> _triggers = [];

    // Pending sequences per (conversation, agent) lane: the lowest one is the only one that may be leased.
    private readonly Dictionary<(string ConversationId, string AgentId), SortedSet<long>> _lanes = [];

    /// <inheritdoc />
    public override ValueTask<IReadOnlyList<StreamingMessage>> GetStreamingMessagesAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var list = new List<StreamingMessage>();
            foreach (var log in _conversations.Values)
            {
                foreach (var (id, info) in log.Streams)
                {
                    list.Add(new StreamingMessage(log.Messages[log.IndexById[id]], info.Owner, info.LeaseExpiresAt, info.DeltaCount));
                }
            }

            return new(list);
        }
    }

    /// <inheritdoc />
    public override ValueTask<bool> CheckpointStreamAsync(StreamCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (!_conversations.TryGetValue(checkpoint.ConversationId, out var log)
                || !log.Streams.TryGetValue(checkpoint.MessageId, out var info)
                || !string.Equals(info.Owner, checkpoint.Owner, StringComparison.Ordinal))
            {
                return new(false);
            }

            var index = log.IndexById[checkpoint.MessageId];
            log.Messages[index] = log.Messages[index].With(text: checkpoint.Text);
            log.Streams[checkpoint.MessageId] = info with { LeaseExpiresAt = checkpoint.LeaseExpiresAt, DeltaCount = checkpoint.DeltaCount };
            return new(true);
        }
    }

    /// <inheritdoc />
    public override ValueTask<Message?> ExpireStreamAsync(string conversationId, string messageId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        ArgumentNullException.ThrowIfNull(messageId);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (!_conversations.TryGetValue(conversationId, out var log)
                || !log.Streams.TryGetValue(messageId, out var info)
                || info.LeaseExpiresAt >= now)
            {
                return new((Message?)null);
            }

            var index = log.IndexById[messageId];
            var current = log.Messages[index];
            return new(StoreChangeLocked(log, index, current.With(status: MessageStatus.Failed)));
        }
    }

    /// <inheritdoc />
    public override ValueTask<IReadOnlyList<FlowTriggerRecord>> ClaimTriggersAsync(TriggerClaim claim, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var due = new List<FlowTriggerRecord>();
            foreach (var ((conversationId, agentId), pending) in _lanes)
            {
                if (claim.AgentIds is { } agents && !agents.Contains(agentId))
                {
                    continue;
                }

                var head = _triggers[new FlowTriggerKey(conversationId, agentId, pending.Min)];
                if (head.NextAttemptAt <= claim.Now && (head.LeaseExpiresAt is null || head.LeaseExpiresAt <= claim.Now))
                {
                    due.Add(head);
                }
            }

            due.Sort(static (a, b) => a.CreatedAt != b.CreatedAt ? a.CreatedAt.CompareTo(b.CreatedAt) : string.CompareOrdinal(a.ConversationId + "\n" + a.AgentId, b.ConversationId + "\n" + b.AgentId));
            var claimed = new List<FlowTriggerRecord>(Math.Min(due.Count, claim.MaxCount));
            foreach (var trigger in due.Take(Math.Max(0, claim.MaxCount)))
            {
                var leased = With(trigger, attempts: trigger.Attempts + 1, leaseOwner: claim.Owner, leaseExpiresAt: claim.LeaseExpiresAt);
                _triggers[trigger.Key] = leased;
                claimed.Add(leased);
            }

            return new(claimed);
        }
    }

    /// <inheritdoc />
    public override ValueTask<bool> RenewTriggerLeaseAsync(FlowTriggerKey key, string owner, DateTimeOffset leaseExpiresAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(owner);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (!IsHeldLocked(key, owner, out var trigger))
            {
                return new(false);
            }

            _triggers[key] = With(trigger, leaseExpiresAt: leaseExpiresAt);
            return new(true);
        }
    }

    /// <inheritdoc />
    public override ValueTask<bool> CompleteTriggerAsync(FlowTriggerKey key, string owner, TriggerCompletion completion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(completion);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (!IsHeldLocked(key, owner, out var trigger))
            {
                return new(false);
            }

            _triggers[key] = completion.Outcome switch
            {
                TriggerOutcome.Done => With(trigger, status: FlowTriggerStatus.Done, clearLease: true),
                TriggerOutcome.Dead => With(trigger, status: FlowTriggerStatus.Dead, clearLease: true, lastError: completion.Error),
                TriggerOutcome.Release => With(trigger, attempts: Math.Max(0, trigger.Attempts - 1), clearLease: true, nextAttemptAt: completion.NextAttemptAt ?? trigger.NextAttemptAt),
                _ => With(trigger, clearLease: true, nextAttemptAt: completion.NextAttemptAt ?? trigger.NextAttemptAt, lastError: completion.Error),
            };
            if (completion.Outcome is TriggerOutcome.Done or TriggerOutcome.Dead)
            {
                var lane = (key.ConversationId, key.AgentId);
                var pending = _lanes[lane];
                pending.Remove(key.Sequence);
                if (pending.Count == 0)
                {
                    _lanes.Remove(lane);
                }
            }

            return new(true);
        }
    }

    /// <inheritdoc />
    public override ValueTask<IReadOnlyList<FlowTriggerRecord>> GetTriggersAsync(string conversationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        lock (_gate)
        {
            IReadOnlyList<FlowTriggerRecord> list = _triggers.Values
                .Where(t => string.Equals(t.ConversationId, conversationId, StringComparison.Ordinal))
                .OrderBy(t => t.AgentId, StringComparer.Ordinal)
                .ThenBy(t => t.Sequence)
                .ToArray();
            return new(list);
        }
    }

    /// <inheritdoc />
    public override ValueTask<TriggerBacklog> GetTriggerBacklogAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            long pending = 0;
            DateTimeOffset? oldest = null;
            foreach (var ((conversationId, agentId), sequences) in _lanes)
            {
                foreach (var sequence in sequences)
                {
                    pending++;
                    var created = _triggers[new FlowTriggerKey(conversationId, agentId, sequence)].CreatedAt;
                    oldest = oldest is null || created < oldest ? created : oldest;
                }
            }

            return new(new TriggerBacklog(pending, oldest));
        }
    }

    /// <summary>Records a trigger for each auto-respond agent of the room other than the actor; returns how many.</summary>
    private int AddTriggersLocked(string roomId, string conversationId, string actorId, long sequence, FlowTriggerKind kind, string? messageId, int chainDepth)
    {
        if (!_participants.TryGetValue(roomId, out var participants))
        {
            return 0;
        }

        var now = _timeProvider.GetUtcNow();
        var count = 0;
        foreach (var agent in participants)
        {
            if (agent.Kind != AccountKind.Agent || !agent.AutoRespond || string.Equals(agent.AccountId, actorId, StringComparison.Ordinal))
            {
                continue;
            }

            var trigger = new FlowTriggerRecord
            {
                ConversationId = conversationId,
                AgentId = agent.AccountId,
                Sequence = sequence,
                RoomId = roomId,
                Kind = kind,
                MessageId = messageId,
                ChainDepth = chainDepth,
                NextAttemptAt = DateTimeOffset.MinValue,
                CreatedAt = now,
            };
            if (!_triggers.TryAdd(trigger.Key, trigger))
            {
                continue;
            }

            var lane = (conversationId, agent.AccountId);
            if (!_lanes.TryGetValue(lane, out var pending))
            {
                pending = [];
                _lanes.Add(lane, pending);
            }

            pending.Add(sequence);
            count++;
        }

        return count;
    }

    private bool IsHeldLocked(FlowTriggerKey key, string owner, out FlowTriggerRecord trigger) =>
        _triggers.TryGetValue(key, out trigger!)
        && trigger.Status == FlowTriggerStatus.Pending
        && string.Equals(trigger.LeaseOwner, owner, StringComparison.Ordinal);

    /// <summary>Stores a change at the next sequence; ends the stream's lease when the message stops streaming.</summary>
    private Message StoreChangeLocked(ConversationLog log, int index, Message message)
    {
        var current = log.Messages[index];
        var sequence = log.LastSequence + 1;
        var stored = current.With(
            lastSequence: sequence,
            text: message.Text,
            format: message.Format,
            attachments: message.Attachments,
            data: message.Data,
            status: message.Status,
            editedAt: message.EditedAt,
            deletedAt: message.DeletedAt);
        log.Messages[index] = stored;
        log.Record(sequence, message.DeletedAt is null ? LogEntryKind.Updated : LogEntryKind.Deleted, index, _timeProvider.GetUtcNow());
        if (stored.Status != MessageStatus.Streaming)
        {
            log.Streams.Remove(stored.Id);
        }

        return stored;
    }

    private static FlowTriggerRecord With(
        FlowTriggerRecord t,
        FlowTriggerStatus? status = null,
        int? attempts = null,
        string? leaseOwner = null,
        DateTimeOffset? leaseExpiresAt = null,
        bool clearLease = false,
        DateTimeOffset? nextAttemptAt = null,
        string? lastError = null) => new()
    {
        ConversationId = t.ConversationId,
        AgentId = t.AgentId,
        Sequence = t.Sequence,
        RoomId = t.RoomId,
        Kind = t.Kind,
        MessageId = t.MessageId,
        ChainDepth = t.ChainDepth,
        Status = status ?? t.Status,
        Attempts = attempts ?? t.Attempts,
        LeaseOwner = clearLease ? null : leaseOwner ?? t.LeaseOwner,
        LeaseExpiresAt = clearLease ? null : leaseExpiresAt ?? t.LeaseExpiresAt,
        NextAttemptAt = nextAttemptAt ?? t.NextAttemptAt,
        CreatedAt = t.CreatedAt,
        LastError = lastError ?? t.LastError,
    };

    private readonly record struct StreamInfo(string? Owner, DateTimeOffset? LeaseExpiresAt, int DeltaCount);
}
