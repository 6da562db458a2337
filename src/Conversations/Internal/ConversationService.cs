namespace Conversations.Internal;

internal sealed class ConversationService(EngineCore core, EventPublisher publisher, FlowDispatcher flows, MessageService messages) : IConversationService
{
    public async Task<Conversation> CreateAsync(Account caller, string roomId, CreateConversationRequest? request = null, CancellationToken cancellationToken = default)
    {
        EngineCore.ValidateCaller(caller);
        core.ValidateId(roomId, nameof(roomId));
        core.ValidateName(request?.Title, nameof(request.Title));
        await core.GetRoomAsync(roomId, cancellationToken).ConfigureAwait(false);
        await core.AuthorizeAsync(caller, roomId, ParticipantRole.Member, cancellationToken).ConfigureAwait(false);

        var conversation = new Conversation { Id = core.NewId(), RoomId = roomId, Title = request?.Title, CreatedBy = caller.Id, CreatedAt = core.Now };
        FlowTraceContexts.Remember(FlowTraceContexts.ForConversation(conversation.Id));
        await core.Store.CreateConversationAsync(conversation, cancellationToken).ConfigureAwait(false);
        publisher.Publish(new ConversationCreatedEvent
        {
            RoomId = roomId,
            ConversationId = conversation.Id,
            ActorId = caller.Id,
            Timestamp = conversation.CreatedAt,
            Conversation = conversation,
        });

        // The store recorded a trigger for each auto-respond agent of the room, with the conversation.
        flows.Ring(conversation.Id, 0);
        return conversation;
    }

    public async Task<Conversation> GetAsync(Account caller, string conversationId, CancellationToken cancellationToken = default)
    {
        EngineCore.ValidateCaller(caller);
        core.ValidateId(conversationId, nameof(conversationId));
        var conversation = await core.GetConversationAsync(conversationId, cancellationToken).ConfigureAwait(false);
        await core.AuthorizeAsync(caller, conversation.RoomId, ParticipantRole.Observer, cancellationToken).ConfigureAwait(false);
        return conversation;
    }

    public async Task<IReadOnlyList<Conversation>> ListAsync(Account caller, string roomId, CancellationToken cancellationToken = default)
    {
        EngineCore.ValidateCaller(caller);
        core.ValidateId(roomId, nameof(roomId));
        await core.GetRoomAsync(roomId, cancellationToken).ConfigureAwait(false);
        await core.AuthorizeAsync(caller, roomId, ParticipantRole.Observer, cancellationToken).ConfigureAwait(false);
        return await core.Store.GetConversationsAsync(roomId, cancellationToken).ConfigureAwait(false);
    }

    public Task SetTypingAsync(Account caller, string conversationId, bool isTyping, CancellationToken cancellationToken = default) =>
        messages.SetTypingAsync(caller, conversationId, isTyping, cancellationToken);

    public async Task<ReadMarker> MarkReadAsync(Account caller, string conversationId, long sequence, CancellationToken cancellationToken = default)
    {
        EngineCore.ValidateCaller(caller);
        core.ValidateId(conversationId, nameof(conversationId));
        if (caller.IsSystem)
        {
            throw new InvalidArgumentException("The system account has no read marker.");
        }

        var conversation = await core.GetConversationAsync(conversationId, cancellationToken).ConfigureAwait(false);
        await core.AuthorizeAsync(caller, conversation.RoomId, ParticipantRole.Observer, cancellationToken).ConfigureAwait(false);
        if (sequence < 1 || sequence > conversation.LastSequence)
        {
            throw new InvalidArgumentException($"The read sequence must be between 1 and {conversation.LastSequence}.");
        }

        var now = core.Now;
        var result = await core.Store.SetReadMarkerAsync(
            new ReadMarker { ConversationId = conversationId, AccountId = caller.Id, Sequence = sequence, UpdatedAt = now },
            cancellationToken).ConfigureAwait(false);
        if (result.Moved)
        {
            publisher.Publish(new ReadEvent { RoomId = conversation.RoomId, ConversationId = conversationId, ActorId = caller.Id, Timestamp = now, Sequence = sequence });
        }

        return result.Marker;
    }

    public async Task<IReadOnlyList<ReadMarker>> GetReadMarkersAsync(Account caller, string conversationId, CancellationToken cancellationToken = default)
    {
        EngineCore.ValidateCaller(caller);
        core.ValidateId(conversationId, nameof(conversationId));
        var conversation = await core.GetConversationAsync(conversationId, cancellationToken).ConfigureAwait(false);
        await core.AuthorizeAsync(caller, conversation.RoomId, ParticipantRole.Observer, cancellationToken).ConfigureAwait(false);
        return await core.Store.GetReadMarkersAsync(conversationId, cancellationToken).ConfigureAwait(false);
    }
}
