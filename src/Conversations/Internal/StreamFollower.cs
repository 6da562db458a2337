namespace Conversations.Internal;

/// <summary>
/// One subscriber's view of the streams in its conversation: which delta it expects next for each, so that deltas reach
/// it once and in order, and a snapshot (from the <see cref="StreamRegistry"/>) stands in for whatever it could not see.
/// </summary>
/// <remarks>Used by one subscription's reader only; not thread-safe.</remarks>
internal sealed class StreamFollower(StreamRegistry streams, string roomId, string conversationId, TimeProvider time)
{
    private readonly Dictionary<string, int> _next = new(StringComparer.Ordinal);

    /// <summary>After a log event: start following a streaming message (with a snapshot of its text so far), or stop following one that ended.</summary>
    public MessageSnapshotEvent? AfterLogEvent(MessageLogEvent logged)
    {
        var message = logged.Message;
        if (message.Status != MessageStatus.Streaming)
        {
            _next.Remove(message.Id);
            return null;
        }

        return Snapshot(message.Id, message.Sequence, force: false);
    }

    /// <summary>Snapshots every open stream of the conversation posted at or before <paramref name="upTo"/>.</summary>
    public IEnumerable<MessageSnapshotEvent> SnapshotOpenStreams(long upTo)
    {
        foreach (var stream in streams.InConversation(conversationId))
        {
            if (stream.MessageSequence <= upTo && Snapshot(stream.MessageId, stream.MessageSequence, force: true) is { } snapshot)
            {
                yield return snapshot;
            }
        }
    }

    /// <summary>
    /// A live delta: passed on if it is the next one expected; skipped if already covered; a gap is bridged by a snapshot,
    /// or — when no exact text is known — the delta is held back, so a subscriber never assembles text with a hole in it.
    /// </summary>
    public IEnumerable<ConversationEvent> OnDelta(MessageDeltaEvent delta, long lastSequence)
    {
        if (!_next.TryGetValue(delta.MessageId, out var next))
        {
            if (delta.MessageSequence > lastSequence)
            {
                // Its post has not reached this subscriber yet; the snapshot taken with the post covers this delta.
                yield break;
            }

            // A stream posted before this subscriber's start, or one whose post carried no snapshot: snapshot it now.
            if (Snapshot(delta.MessageId, delta.MessageSequence, force: true) is { } snapshot)
            {
                yield return snapshot;
                next = snapshot.DeltaCount;
            }
            else if (delta.Index == 0)
            {
                // The stream starts here: nothing came before this delta.
                next = 0;
            }
            else
            {
                // No exact text is known here (the stream just ended, or another engine's stream whose start this one
                // missed): passing deltas on would show a gap, so the subscriber keeps the stored text until the end.
                yield break;
            }
        }

        if (delta.Index < next)
        {
            yield break;
        }

        if (delta.Index > next && Snapshot(delta.MessageId, delta.MessageSequence, force: true) is { } bridge)
        {
            yield return bridge;
            next = bridge.DeltaCount;
            if (delta.Index < next)
            {
                yield break;
            }
        }

        _next[delta.MessageId] = delta.Index + 1;
        yield return delta;
    }

    private MessageSnapshotEvent? Snapshot(string messageId, long messageSequence, bool force)
    {
        if (streams.TrySnapshot(messageId) is not { } state)
        {
            return null;
        }

        _next[messageId] = state.DeltaCount;
        if (state.DeltaCount == 0 && !force)
        {
            // Nothing streamed yet: every delta will follow.
            return null;
        }

        return new MessageSnapshotEvent
        {
            RoomId = roomId,
            ConversationId = conversationId,
            ActorId = state.ActorId,
            Timestamp = time.GetUtcNow(),
            MessageId = messageId,
            MessageSequence = messageSequence,
            Text = state.Text,
            DeltaCount = state.DeltaCount,
        };
    }
}
