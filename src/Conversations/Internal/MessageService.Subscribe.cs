using System.Runtime.CompilerServices;
using Conversations.Transport;

namespace Conversations.Internal;

internal sealed partial class MessageService
{
    private const int CatchUpPageSize = 256;

    public async IAsyncEnumerable<ConversationEvent> SubscribeAsync(
        Account caller,
        string conversationId,
        long afterSequence = 0,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        EngineCore.ValidateCaller(caller);
        core.ValidateId(conversationId, nameof(conversationId));
        if (afterSequence < 0)
        {
            throw new InvalidArgumentException("'afterSequence' must be at least 0.");
        }

        var conversation = await core.GetKnownConversationAsync(conversationId, cancellationToken).ConfigureAwait(false);
        await core.AuthorizeAsync(caller, conversation.RoomId, ParticipantRole.Observer, cancellationToken).ConfigureAwait(false);

        // The subscription is live before the store is read, so nothing committed after the read can slip between the
        // two. Room-wide, so that the caller's removal from the room ends the subscription.
        using var subscription = await bus.SubscribeAsync(new EventBusFilter { RoomId = conversation.RoomId }, core.Options.SubscriberBufferCapacity, cancellationToken).ConfigureAwait(false);
        var follower = new StreamFollower(streams, conversation.RoomId, conversationId, core.Time);
        var last = afterSequence;
        var reader = subscription.Reader;

        await foreach (var e in CatchUpAsync(conversationId, last, follower, cancellationToken).ConfigureAwait(false))
        {
            last = e is MessageLogEvent logged ? logged.Sequence : last;
            yield return e;
        }

        // Streams the caller already knew of (posted at or before afterSequence) may have moved on while it was away.
        foreach (var snapshot in follower.SnapshotOpenStreams(upTo: afterSequence))
        {
            yield return snapshot;
        }

        while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            while (reader.TryRead(out var item))
            {
                switch (item.Kind)
                {
                    case EventBusItemKind.Overflow:
                        // Live events were dropped: the store has the log; snapshots replace the deltas.
                        Log.SubscriberCatchingUp(logger, conversationId, last);
                        ConversationsDiagnostics.SubscriberCatchUpsCounter.Add(1);
                        await foreach (var e in CatchUpAsync(conversationId, last, follower, cancellationToken).ConfigureAwait(false))
                        {
                            last = e is MessageLogEvent logged ? logged.Sequence : last;
                            yield return e;
                        }

                        foreach (var snapshot in follower.SnapshotOpenStreams(upTo: last))
                        {
                            yield return snapshot;
                        }

                        continue;

                    case EventBusItemKind.CatchUp:
                        if (!string.Equals(item.ConversationId, conversationId, StringComparison.Ordinal) || (item.Sequence != 0 && item.Sequence <= last))
                        {
                            continue;
                        }

                        await foreach (var e in CatchUpAsync(conversationId, last, follower, cancellationToken).ConfigureAwait(false))
                        {
                            last = e is MessageLogEvent logged ? logged.Sequence : last;
                            yield return e;
                        }

                        continue;
                }

                var live = item.Event!;
                if (live is ParticipantRemovedEvent removed && !caller.IsSystem && string.Equals(removed.AccountId, caller.Id, StringComparison.Ordinal))
                {
                    yield break;
                }

                if (!string.Equals(live.ConversationId, conversationId, StringComparison.Ordinal))
                {
                    continue;
                }

                switch (live)
                {
                    case MessageLogEvent logged when logged.Sequence <= last:
                        continue;

                    case MessageLogEvent logged when logged.Sequence > last + 1:
                        // A doorbell ahead of what this subscriber has: the store has everything up to it, in order.
                        await foreach (var e in CatchUpAsync(conversationId, last, follower, cancellationToken).ConfigureAwait(false))
                        {
                            last = e is MessageLogEvent caught ? caught.Sequence : last;
                            yield return e;
                        }

                        continue;

                    case MessageLogEvent logged:
                        last = logged.Sequence;
                        yield return logged;
                        if (follower.AfterLogEvent(logged) is { } snapshot)
                        {
                            yield return snapshot;
                        }

                        continue;

                    case MessageDeltaEvent delta:
                        foreach (var e in follower.OnDelta(delta, last))
                        {
                            yield return e;
                        }

                        continue;

                    default:
                        yield return live;
                        continue;
                }
            }
        }
    }

    private async IAsyncEnumerable<ConversationEvent> CatchUpAsync(string conversationId, long after, StreamFollower follower, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (true)
        {
            var entries = await core.Store.ReadLogAsync(conversationId, after, CatchUpPageSize, cancellationToken).ConfigureAwait(false);
            foreach (var entry in entries)
            {
                after = entry.Sequence;
                var logged = LogEvents.From(entry);
                yield return logged;
                if (follower.AfterLogEvent(logged) is { } snapshot)
                {
                    yield return snapshot;
                }
            }

            if (entries.Count < CatchUpPageSize)
            {
                yield break;
            }
        }
    }
}
