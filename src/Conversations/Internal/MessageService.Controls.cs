using Conversations.Storage;
using Conversations.Transport;

namespace Conversations.Internal;

/// <summary>The agent reply controls: stop a streaming message, regenerate an agent's reply.</summary>
internal sealed partial class MessageService
{
    /// <summary>Gets the streams this engine writes, for stop requests.</summary>
    internal StreamControls Controls => controls;

    public async Task<Message> StopAsync(Account caller, string conversationId, string messageId, CancellationToken cancellationToken = default)
    {
        EngineCore.ValidateCaller(caller);
        core.ValidateId(conversationId, nameof(conversationId));
        core.ValidateId(messageId, nameof(messageId));
        var conversation = await core.GetConversationAsync(conversationId, cancellationToken).ConfigureAwait(false);
        var participant = await core.AuthorizeAsync(caller, conversation.RoomId, ParticipantRole.Member, cancellationToken).ConfigureAwait(false);
        var message = await core.Store.GetMessageAsync(conversationId, messageId, cancellationToken).ConfigureAwait(false)
            ?? throw new NotFoundException($"Message '{messageId}' does not exist in conversation '{conversationId}'.");
        var isSender = string.Equals(message.SenderId, caller.Id, StringComparison.Ordinal) && message.SenderKind == caller.Kind;
        if (message.SenderKind != AccountKind.Agent && !isSender && !EngineCore.IsAdmin(caller, participant))
        {
            throw new ForbiddenException("Any member may stop an agent's reply; a person's stream only its sender, an admin or an owner.");
        }

        EnsureStreaming(message);
        if (controls.TryGet(messageId, out var local))
        {
            return await StopLocalAsync(caller, local, message).ConfigureAwait(false);
        }

        return await StopRemoteAsync(caller, conversation, message, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A stop request from the bus: stops the stream if this engine writes it.</summary>
    public async Task StopFromBusAsync(MessageStopRequestedEvent request)
    {
        if (!controls.TryGet(request.MessageId, out var local))
        {
            return;
        }

        try
        {
            var stopped = await local.StopAsync(Account.Create(request.ActorId, AccountKind.User)).ConfigureAwait(false);
            Log.MessageStopped(logger, request.ActorId, stopped.Id, stopped.ConversationId);
        }
        catch (ConflictException)
        {
            // It ended first; the requester sees how.
        }
#pragma warning disable CA1031 // A failed stop is logged; the requester reports that it was not confirmed.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.StopFailed(logger, ex, request.MessageId, request.ConversationId ?? "?");
        }
    }

    public async Task<Message> RegenerateAsync(Account caller, string conversationId, string messageId, CancellationToken cancellationToken = default)
    {
        EngineCore.ValidateCaller(caller);
        core.ValidateId(conversationId, nameof(conversationId));
        core.ValidateId(messageId, nameof(messageId));
        var conversation = await core.GetConversationAsync(conversationId, cancellationToken).ConfigureAwait(false);
        await core.AuthorizeAsync(caller, conversation.RoomId, ParticipantRole.Member, cancellationToken).ConfigureAwait(false);

        for (var attempt = 0; ; attempt++)
        {
            var reply = await core.Store.GetMessageAsync(conversationId, messageId, cancellationToken).ConfigureAwait(false)
                ?? throw new NotFoundException($"Message '{messageId}' does not exist in conversation '{conversationId}'.");
            if (reply.SenderKind != AccountKind.Agent || reply.ReplyToId is null)
            {
                throw new InvalidArgumentException($"Message '{messageId}' is not an agent's reply to a message; only those can be regenerated.");
            }

            if (reply.IsDeleted)
            {
                throw new ConflictException($"Message '{messageId}' is deleted: it was already replaced, or removed.");
            }

            if (reply.Status == MessageStatus.Streaming)
            {
                throw new ConflictException($"Message '{messageId}' is still streaming; stop it first.");
            }

            var question = await core.Store.GetMessageAsync(conversationId, reply.ReplyToId, cancellationToken).ConfigureAwait(false);
            if (question is null || question.IsDeleted)
            {
                throw new ConflictException($"The message that '{messageId}' answered is deleted; there is nothing to answer again.");
            }

            var agent = await core.Store.GetParticipantAsync(conversation.RoomId, reply.SenderId, cancellationToken).ConfigureAwait(false);
            if (agent is not { Kind: AccountKind.Agent, AutoRespond: true })
            {
                throw new ConflictException($"Agent '{reply.SenderId}' no longer answers in this room.");
            }

            // The reply is deleted and the agent owes a run in one store write: the run happens exactly when the delete does.
            var replaced = reply.With(text: string.Empty, attachments: [], data: (System.Text.Json.JsonElement?)null, deletedAt: core.Now);
            var trigger = new TriggerSpec(agent.AccountId, FlowTriggerKind.Regenerate, question.Id, question.ChainDepth);
            UpdateResult result;
            try
            {
                result = await core.Store.UpdateMessageWithTriggerAsync(replaced, trigger, cancellationToken).ConfigureAwait(false);
            }
            catch (NotSupportedException e)
            {
                throw new UnavailableException("This store cannot regenerate replies: it cannot record a flow trigger with a change.", e);
            }

            switch (result.Outcome)
            {
                case UpdateOutcome.NotFound:
                    throw new NotFoundException($"Message '{messageId}' does not exist in conversation '{conversationId}'.");
                case UpdateOutcome.Updated:
                    var stored = result.Message!;
                    Log.ReplyRegenerated(logger, caller.Id, agent.AccountId, conversationId, messageId);
                    Announce(caller.Id, stored);
                    flows.Signal();
                    return stored;
            }

            if (attempt == ChangeRetries)
            {
                throw new ConflictException($"Message '{messageId}' was changed by someone else at the same time; read it again and retry.");
            }
        }
    }

    private static void EnsureStreaming(Message message)
    {
        if (message.IsDeleted || message.Status != MessageStatus.Streaming)
        {
            throw new ConflictException($"Message '{message.Id}' is not streaming (it is {(message.IsDeleted ? "deleted" : message.Status.ToString().ToLowerInvariant())}); there is nothing to stop.");
        }
    }

    private async Task<Message> StopLocalAsync(Account caller, IStoppableStream stream, Message message)
    {
        try
        {
            var stopped = await stream.StopAsync(caller).ConfigureAwait(false);
            Log.MessageStopped(logger, caller.Id, stopped.Id, stopped.ConversationId);
            return stopped;
        }
        catch (ConflictException e)
        {
            throw new ConflictException($"Message '{message.Id}' finished before it could be stopped.", e);
        }
    }

    /// <summary>
    /// The stream is another engine's: ask it over the bus, and wait (up to <see cref="ConversationsOptions.StopTimeout"/>) for the
    /// stored outcome. The subscription is live before the request, so the outcome cannot slip past.
    /// </summary>
    private async Task<Message> StopRemoteAsync(Account caller, Conversation conversation, Message message, CancellationToken cancellationToken)
    {
        using var subscription = await bus.SubscribeAsync(new EventBusFilter { ConversationId = conversation.Id }, 256, cancellationToken).ConfigureAwait(false);
        var current = await ReadAsync(message, cancellationToken).ConfigureAwait(false);
        EnsureStreaming(current);
        publisher.Publish(new MessageStopRequestedEvent
        {
            RoomId = conversation.RoomId,
            ConversationId = conversation.Id,
            ActorId = caller.Id,
            Timestamp = core.Now,
            MessageId = message.Id,
        });
        Log.StopForwarded(logger, message.Id, conversation.Id);

        using var timeout = new CancellationTokenSource(core.Options.StopTimeout, core.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        var reader = subscription.Reader;
        try
        {
            while (await reader.WaitToReadAsync(linked.Token).ConfigureAwait(false))
            {
                while (reader.TryRead(out var item))
                {
                    Message? ended = null;
                    if (item.Event is MessageLogEvent { Message: var changed } && string.Equals(changed.Id, message.Id, StringComparison.Ordinal))
                    {
                        ended = changed.Status == MessageStatus.Streaming ? null : changed;
                    }
                    else if (item.Kind != EventBusItemKind.Event)
                    {
                        // Dropped or undelivered doorbells: the store knows.
                        var stored = await ReadAsync(message, cancellationToken).ConfigureAwait(false);
                        ended = stored.Status == MessageStatus.Streaming ? null : stored;
                    }

                    if (ended is not null)
                    {
                        return Outcome(ended);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
        }

        var last = await ReadAsync(message, cancellationToken).ConfigureAwait(false);
        return last.Status == MessageStatus.Streaming
            ? throw new UnavailableException($"The engine writing message '{message.Id}' did not confirm the stop within {core.Options.StopTimeout}; it may still stop.")
            : Outcome(last);

        Message Outcome(Message ended) => ended.Status == MessageStatus.Stopped
            ? ended
            : throw new ConflictException($"Message '{message.Id}' finished before it could be stopped.");
    }

    private async Task<Message> ReadAsync(Message message, CancellationToken cancellationToken) =>
        await core.Store.GetMessageAsync(message.ConversationId, message.Id, cancellationToken).ConfigureAwait(false)
        ?? throw new NotFoundException($"Message '{message.Id}' does not exist in conversation '{message.ConversationId}'.");
}
