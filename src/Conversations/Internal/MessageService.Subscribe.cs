using System.Runtime.CompilerServices;
using Conversations.Storage;
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

        var conversation = await core.GetConversationAsync(conversationId, cancellationToken).ConfigureAwait(false);
        await core.AuthorizeAsync(caller, conversation.RoomId, ParticipantRole.Observer, cancellationToken).ConfigureAwait(false);

        // Subscribe before reading the store, so nothing committed after the read can slip between the two.
        // Room-wide, so that the caller's removal from the room ends the subscription.
        using var subscription = bus.Subscribe(new EventBusFilter { RoomId = conversation.RoomId }, core.Options.SubscriberBufferCapacity);
        var last = afterSequence;
        var reader = subscription.Reader;

        await foreach (var caught in CatchUpAsync(conversationId, last, cancellationToken).ConfigureAwait(false))
        {
            last = caught.Sequence;
            yield return caught;
        }

        while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            while (reader.TryRead(out var item))
            {
                if (item.Event is not { } e)
                {
                    // The buffer overflowed and live events were dropped: the store has them.
                    Log.SubscriberCatchingUp(logger, conversationId, last);
                    ConversationsDiagnostics.SubscriberCatchUpsCounter.Add(1);
                    await foreach (var caught in CatchUpAsync(conversationId, last, cancellationToken).ConfigureAwait(false))
                    {
                        last = caught.Sequence;
                        yield return caught;
                    }

                    continue;
                }

                if (e is ParticipantRemovedEvent removed && !caller.IsSystem && string.Equals(removed.AccountId, caller.Id, StringComparison.Ordinal))
                {
                    yield break;
                }

                if (!string.Equals(e.ConversationId, conversationId, StringComparison.Ordinal))
                {
                    continue;
                }

                if (e is MessageLogEvent logged)
                {
                    if (logged.Sequence <= last)
                    {
                        continue;
                    }

                    if (logged.Sequence > last + 1)
                    {
                        // Events of one conversation are published in order, so a gap means this
                        // subscriber missed some; read them (and this one) from the store.
                        await foreach (var caught in CatchUpAsync(conversationId, last, cancellationToken).ConfigureAwait(false))
                        {
                            last = caught.Sequence;
                            yield return caught;
                        }

                        continue;
                    }

                    last = logged.Sequence;
                }

                yield return e;
            }
        }
    }

    private async IAsyncEnumerable<MessageLogEvent> CatchUpAsync(string conversationId, long after, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (true)
        {
            var entries = await core.Store.ReadLogAsync(conversationId, after, CatchUpPageSize, cancellationToken).ConfigureAwait(false);
            foreach (var entry in entries)
            {
                after = entry.Sequence;
                yield return ToEvent(entry);
            }

            if (entries.Count < CatchUpPageSize)
            {
                yield break;
            }
        }
    }

    private static MessageLogEvent ToEvent(LogEntry entry) => entry.Kind switch
    {
        LogEntryKind.Posted => new MessagePostedEvent
        {
            RoomId = entry.Message.RoomId,
            ConversationId = entry.Message.ConversationId,
            ActorId = entry.Message.SenderId,
            Timestamp = entry.Timestamp,
            Sequence = entry.Sequence,
            Message = entry.Message,
        },
        LogEntryKind.Deleted => new MessageDeletedEvent
        {
            RoomId = entry.Message.RoomId,
            ConversationId = entry.Message.ConversationId,
            ActorId = entry.Message.SenderId,
            Timestamp = entry.Timestamp,
            Sequence = entry.Sequence,
            Message = entry.Message,
        },
        _ => new MessageUpdatedEvent
        {
            RoomId = entry.Message.RoomId,
            ConversationId = entry.Message.ConversationId,
            ActorId = entry.Message.SenderId,
            Timestamp = entry.Timestamp,
            Sequence = entry.Sequence,
            Message = entry.Message,
        },
    };
}
