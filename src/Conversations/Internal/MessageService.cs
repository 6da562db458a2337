using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Conversations.Internal;

internal sealed partial class MessageService(
    EngineCore core,
    EventPublisher publisher,
    StreamRegistry streams,
    FlowDispatcher flows,
    Transport.ConversationEventBus bus,
    StreamControls controls,
    AppendAnnouncer announcer,
    ILogger<MessageService> logger) : IMessageService
{
    /// <summary>How many times an edit or delete that lost a race with another change is tried again before <c>conflict</c>.</summary>
    private const int ChangeRetries = 1;

    private readonly PostOrder _order = new();

    private EngineCore Core => core;

    private EventPublisher Publisher => publisher;

    private ILogger Logger => logger;

    private StreamRegistry Streams => streams;

    public Task<Message> PostAsync(Account caller, string conversationId, PostMessageRequest request, CancellationToken cancellationToken = default) =>
        PostAsync(caller, conversationId, request, chainDepth: 0, cancellationToken);

    public async Task<Message> PostAsync(Account caller, string conversationId, PostMessageRequest request, int chainDepth, CancellationToken cancellationToken)
    {
        EngineCore.ValidateCaller(caller);
        core.ValidateId(conversationId, nameof(conversationId));
        ArgumentNullException.ThrowIfNull(request);
        var text = request.Text ?? string.Empty;
        core.ValidateText(text);
        core.ValidateAttachments(request.Attachments);
        if (text.Length == 0 && (request.Attachments is null || request.Attachments.Count == 0) && request.Data is null)
        {
            throw new InvalidArgumentException("A message needs text, an attachment or structured data.");
        }

        // The turn is taken before the first await: this caller's posts to the conversation are numbered in call order.
        using var turn = _order.Take(caller.Id, conversationId);
        var conversation = await PrepareNewMessageAsync(caller, conversationId, request.Format, request.Data, request.ClientMessageId, request.ReplyToId, cancellationToken).ConfigureAwait(false);
        var attachments = await ResolveAttachmentsAsync(caller, conversation.RoomId, request.Attachments, current: null, cancellationToken).ConfigureAwait(false);

        var draft = NewMessage(caller, conversation, text, request.Format, attachments, request.Data, request.ReplyToId, request.ClientMessageId, MessageStatus.Complete, chainDepth);
        var result = await AppendAsync(caller, draft, streamLease: null, turn, cancellationToken).ConfigureAwait(false);
        return result.Message;
    }

    public async Task<Message> EditAsync(Account caller, string conversationId, string messageId, EditMessageRequest request, CancellationToken cancellationToken = default)
    {
        EngineCore.ValidateCaller(caller);
        core.ValidateId(conversationId, nameof(conversationId));
        core.ValidateId(messageId, nameof(messageId));
        ArgumentNullException.ThrowIfNull(request);
        core.ValidateText(request.Text);
        core.ValidateAttachments(request.Attachments);
        core.ValidateData(request.Data);
        if (request.Format is { } format)
        {
            EngineCore.ValidateEnum(format, nameof(request.Format));
        }

        // Invariant 10: the edit is applied to the message as read, and stored only if nothing changed it meanwhile.
        for (var attempt = 0; ; attempt++)
        {
            var current = await GetEditableAsync(caller, conversationId, messageId, cancellationToken).ConfigureAwait(false);
            var text = request.Text ?? current.Text;
            var attachments = request.Attachments is null ? current.Attachments
                : await ResolveAttachmentsAsync(caller, current.RoomId, request.Attachments, current.Attachments, cancellationToken).ConfigureAwait(false);
            var data = request.Data?.Clone() ?? current.Data;
            if (text.Length == 0 && attachments.Count == 0 && data is null)
            {
                throw new InvalidArgumentException("An edit may not leave a message without text, attachments or structured data; delete it instead.");
            }

            var edited = current.With(text: text, format: request.Format ?? current.Format, attachments: attachments, data: data, editedAt: core.Now);
            if (await TryStoreChangeAsync(caller, edited, cancellationToken).ConfigureAwait(false) is { } stored)
            {
                return stored;
            }

            if (attempt == ChangeRetries)
            {
                throw new ConflictException($"Message '{messageId}' was changed by someone else at the same time; read it again and retry.");
            }
        }
    }

    public async Task<Message> DeleteAsync(Account caller, string conversationId, string messageId, CancellationToken cancellationToken = default)
    {
        EngineCore.ValidateCaller(caller);
        core.ValidateId(conversationId, nameof(conversationId));
        core.ValidateId(messageId, nameof(messageId));

        for (var attempt = 0; ; attempt++)
        {
            var current = await GetEditableAsync(caller, conversationId, messageId, cancellationToken).ConfigureAwait(false);
            var deleted = current.With(text: string.Empty, attachments: [], data: (System.Text.Json.JsonElement?)null, deletedAt: core.Now);
            if (await TryStoreChangeAsync(caller, deleted, cancellationToken).ConfigureAwait(false) is { } stored)
            {
                return stored;
            }

            if (attempt == ChangeRetries)
            {
                throw new ConflictException($"Message '{messageId}' was changed by someone else at the same time; read it again and retry.");
            }
        }
    }

    public async Task<MessagePage> GetHistoryAsync(Account caller, string conversationId, HistoryQuery? query = null, CancellationToken cancellationToken = default)
    {
        EngineCore.ValidateCaller(caller);
        core.ValidateId(conversationId, nameof(conversationId));
        query ??= HistoryQuery.Latest();
        if (query.Limit < 1 || query.Limit > core.Options.MaxPageSize)
        {
            throw new InvalidArgumentException($"The page size must be between 1 and {core.Options.MaxPageSize}.");
        }

        if (query.After is not null && query.Before is not null)
        {
            throw new InvalidArgumentException("A history query takes either 'before' or 'after', not both.");
        }

        if (query.After < 0 || query.Before < 1)
        {
            throw new InvalidArgumentException("'after' must be at least 0 and 'before' at least 1.");
        }

        var conversation = await core.GetKnownConversationAsync(conversationId, cancellationToken).ConfigureAwait(false);
        await core.AuthorizeAsync(caller, conversation.RoomId, ParticipantRole.Observer, cancellationToken).ConfigureAwait(false);

        // Ask for one more than the page to learn whether more lie beyond it.
        var probe = new HistoryQuery { After = query.After, Before = query.Before, Limit = query.Limit + 1 };
        var messages = await core.Store.GetMessagesAsync(conversationId, probe, cancellationToken).ConfigureAwait(false);
        var hasMore = messages.Count > query.Limit;
        if (hasMore)
        {
            messages = query.After is not null ? messages.Take(query.Limit).ToArray() : messages.Skip(1).ToArray();
        }

        return new MessagePage { Messages = messages, HasMore = hasMore };
    }

    public async Task SetTypingAsync(Account caller, string conversationId, bool isTyping, CancellationToken cancellationToken)
    {
        EngineCore.ValidateCaller(caller);
        core.ValidateId(conversationId, nameof(conversationId));
        var conversation = await core.GetKnownConversationAsync(conversationId, cancellationToken).ConfigureAwait(false);
        await core.AuthorizeAsync(caller, conversation.RoomId, ParticipantRole.Member, cancellationToken).ConfigureAwait(false);
        publisher.Publish(new TypingEvent
        {
            RoomId = conversation.RoomId,
            ConversationId = conversationId,
            ActorId = caller.Id,
            Timestamp = core.Now,
            IsTyping = isTyping,
        });
    }

    /// <summary>A message about to be appended: the store assigns its sequences.</summary>
    private Message NewMessage(
        Account caller,
        Conversation conversation,
        string text,
        MessageFormat format,
        IReadOnlyList<Attachment> attachments,
        System.Text.Json.JsonElement? data,
        string? replyToId,
        string? clientMessageId,
        MessageStatus status,
        int chainDepth) => new()
    {
        Id = core.NewId(),
        RoomId = conversation.RoomId,
        ConversationId = conversation.Id,
        Sequence = 0,
        LastSequence = 0,
        SenderId = caller.Id,
        SenderKind = caller.Kind,
        Text = text,
        Format = format,
        Attachments = attachments,
        Data = data?.Clone(),
        ReplyToId = replyToId,
        ClientMessageId = clientMessageId,
        Status = status,
        CreatedAt = core.Now,
        ChainDepth = chainDepth,
    };

    /// <summary>The checks a new message (posted or streamed) passes before it is stored; returns its conversation.</summary>
    private async Task<Conversation> PrepareNewMessageAsync(
        Account caller,
        string conversationId,
        MessageFormat format,
        System.Text.Json.JsonElement? data,
        string? clientMessageId,
        string? replyToId,
        CancellationToken cancellationToken)
    {
        core.ValidateData(data);
        EngineCore.ValidateEnum(format, "format");
        if (clientMessageId is not null)
        {
            core.ValidateId(clientMessageId, nameof(clientMessageId));
        }

        var conversation = await core.GetKnownConversationAsync(conversationId, cancellationToken).ConfigureAwait(false);
        await core.AuthorizeAsync(caller, conversation.RoomId, ParticipantRole.Member, cancellationToken).ConfigureAwait(false);
        await ValidateReplyToAsync(conversationId, replyToId, cancellationToken).ConfigureAwait(false);
        return conversation;
    }

    private async Task ValidateReplyToAsync(string conversationId, string? replyToId, CancellationToken cancellationToken)
    {
        if (replyToId is null)
        {
            return;
        }

        core.ValidateId(replyToId, "replyToId");
        if (!await core.MessageExistsAsync(conversationId, replyToId, cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidArgumentException($"The message replied to, '{replyToId}', is not in this conversation.");
        }
    }

    private async Task<Message> GetEditableAsync(Account caller, string conversationId, string messageId, CancellationToken cancellationToken)
    {
        var conversation = await core.GetKnownConversationAsync(conversationId, cancellationToken).ConfigureAwait(false);
        var participant = await core.AuthorizeAsync(caller, conversation.RoomId, ParticipantRole.Observer, cancellationToken).ConfigureAwait(false);
        var message = await core.Store.GetMessageAsync(conversationId, messageId, cancellationToken).ConfigureAwait(false)
            ?? throw new NotFoundException($"Message '{messageId}' does not exist in conversation '{conversationId}'.");

        var isSender = string.Equals(message.SenderId, caller.Id, StringComparison.Ordinal) && message.SenderKind == caller.Kind;
        if (!EngineCore.IsAdmin(caller, participant) && !(isSender && participant!.Role >= ParticipantRole.Member))
        {
            throw new ForbiddenException("Only the sender, an admin or an owner may change this message.");
        }

        if (message.IsDeleted)
        {
            throw new ConflictException($"Message '{messageId}' is deleted.");
        }

        if (message.Status == MessageStatus.Streaming)
        {
            throw new ConflictException($"Message '{messageId}' is still streaming.");
        }

        return message;
    }

    /// <summary>
    /// Appends a message; in the same store write, the triggers of the room's auto-respond agents (unless the message is
    /// deeper than the chain limit) and a streaming message's lease. Then announces it.
    /// </summary>
    private async Task<Storage.AppendResult> AppendAsync(Account caller, Message draft, Storage.StreamLease? streamLease, PostOrder.Turn turn, CancellationToken cancellationToken)
    {
        var createTriggers = draft.ChainDepth <= core.Options.MaxAgentChainDepth;
        if (!createTriggers)
        {
            Log.ChainDepthReached(logger, draft.ConversationId, draft.ChainDepth, core.Options.MaxAgentChainDepth);
        }

        using var activity = ConversationsDiagnostics.ActivitySource.StartActivity(ConversationsDiagnostics.AppendSpanName, ActivityKind.Producer);
        activity?.SetTag(ConversationsDiagnostics.ConversationIdTag, draft.ConversationId);
        activity?.SetTag("messaging.system", "conversations");
        activity?.SetTag("messaging.operation.type", "send");
        activity?.SetTag("messaging.destination.name", draft.ConversationId);
        if (createTriggers)
        {
            // The agents' runs continue this trace (in this process).
            FlowTraceContexts.Remember(FlowTraceContexts.ForMessage(draft.Id));
        }

        await turn.WaitAsync(cancellationToken).ConfigureAwait(false);
        var options = new Storage.AppendOptions { CreateTriggers = createTriggers, StreamLease = streamLease };
        var (slot, appending) = announcer.Append(draft.ConversationId, () => core.Store.AppendMessageAsync(draft, options, cancellationToken));
        turn.Dispose();
        ConversationEvent? announcement = null;
        try
        {
            var result = await appending.ConfigureAwait(false);
            activity?.SetTag(ConversationsDiagnostics.SequenceTag, result.Message.Sequence);
            activity?.SetTag(ConversationsDiagnostics.MessageIdTag, result.Message.Id);
            activity?.SetTag("messaging.message.id", result.Message.Id);
            if (!result.Created)
            {
                return result;
            }

            ConversationsDiagnostics.MessagesPostedCounter.Add(1);
            core.RememberMessage(result.Message.ConversationId, result.Message.Id);
            Log.MessagePosted(logger, result.Message.Id, result.Message.Sequence, result.Message.ConversationId, caller.Id);
            Log.MessageText(logger, result.Message.Id, result.Message.Text);
            if (result.Message.Status == MessageStatus.Streaming)
            {
                // Tracked before it is announced, so a subscriber that sees the post finds the stream.
                streams.AddLocal(result.Message);
            }

            announcement = new MessagePostedEvent
            {
                RoomId = draft.RoomId,
                ConversationId = draft.ConversationId,
                ActorId = caller.Id,
                Timestamp = result.Message.CreatedAt,
                Sequence = result.Message.Sequence,
                Message = result.Message,
                ChainDepth = result.Message.ChainDepth,
                TriggerCount = result.TriggersCreated,
            };
            if (result.TriggersCreated > 0)
            {
                flows.Ring(result.Message.ConversationId, result.Message.Sequence);
            }

            return result;
        }
        finally
        {
            // Published once every earlier append of this engine in the conversation was: in sequence order.
            announcer.Complete(slot, announcement);
        }
    }

    /// <summary>
    /// Stores a change to a message if it is still as read (its <see cref="Message.LastSequence"/>) and announces it;
    /// returns <see langword="null"/> when it changed meanwhile or was deleted.
    /// </summary>
    public async Task<Message?> TryStoreChangeAsync(Account caller, Message changed, CancellationToken cancellationToken)
    {
        var result = await core.Store.UpdateMessageAsync(changed, cancellationToken).ConfigureAwait(false);
        switch (result.Outcome)
        {
            case Storage.UpdateOutcome.NotFound:
                throw new NotFoundException($"Message '{changed.Id}' does not exist in conversation '{changed.ConversationId}'.");
            case Storage.UpdateOutcome.Conflict:
                Log.ChangeConflicted(logger, changed.Id, changed.ConversationId, changed.LastSequence, result.Message?.LastSequence ?? 0);
                return null;
        }

        var stored = result.Message!;
        Announce(caller.Id, stored);
        return stored;
    }

    /// <summary>Announces a stored change of a message (edit, delete, stream end).</summary>
    public void Announce(string actorId, Message stored)
    {
        publisher.Publish(stored.IsDeleted
            ? new MessageDeletedEvent { RoomId = stored.RoomId, ConversationId = stored.ConversationId, ActorId = actorId, Timestamp = core.Now, Sequence = stored.LastSequence, Message = stored }
            : new MessageUpdatedEvent { RoomId = stored.RoomId, ConversationId = stored.ConversationId, ActorId = actorId, Timestamp = core.Now, Sequence = stored.LastSequence, Message = stored });
    }
}
