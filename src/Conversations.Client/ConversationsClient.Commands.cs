using System.Runtime.CompilerServices;
using Conversations.Client.Internal;
using Conversations.Protocol;

namespace Conversations.Client;

public sealed partial class ConversationsClient
{
    /// <summary>Creates a standard room; the caller joins as owner unless listed.</summary>
    /// <param name="request">The room's name and first participants.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The room.</returns>
    /// <exception cref="ConversationsException">The server refused the command; <see cref="ConversationsException.Code"/> says why.</exception>
    public Task<Room> CreateRoomAsync(CreateRoomRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return RequestAsync(new ClientFrame { Type = CommandTypes.RoomsCreate, Name = request.Name, Participants = ParticipantSpecDto.From(request.Participants) }, Json.Room, retryable: false, cancellationToken);
    }

    /// <summary>Returns the direct room of a participant set, creating it on first use.</summary>
    /// <param name="participants">The participant set, the caller included.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The room.</returns>
    public Task<Room> GetOrCreateDirectRoomAsync(IReadOnlyList<ParticipantSpec> participants, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(participants);
        return RequestAsync(new ClientFrame { Type = CommandTypes.RoomsDirect, Participants = ParticipantSpecDto.From(participants) }, Json.Room, retryable: true, cancellationToken);
    }

    /// <summary>Gets a room.</summary>
    /// <param name="roomId">The room.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The room.</returns>
    public Task<Room> GetRoomAsync(string roomId, CancellationToken cancellationToken = default) =>
        RequestAsync(new ClientFrame { Type = CommandTypes.RoomsGet, RoomId = roomId }, Json.Room, retryable: true, cancellationToken);

    /// <summary>Lists the rooms the caller participates in.</summary>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The rooms.</returns>
    public Task<IReadOnlyList<Room>> ListRoomsAsync(CancellationToken cancellationToken = default) =>
        RequestAsync(new ClientFrame { Type = CommandTypes.RoomsList }, Json.IReadOnlyListRoom, retryable: true, cancellationToken);

    /// <summary>Adds a participant to a room.</summary>
    /// <param name="roomId">The room.</param>
    /// <param name="participant">The participant.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The participant.</returns>
    public Task<Participant> AddParticipantAsync(string roomId, ParticipantSpec participant, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(participant);
        return RequestAsync(new ClientFrame { Type = CommandTypes.ParticipantsAdd, RoomId = roomId, Participant = ParticipantSpecDto.From(participant) }, Json.Participant, retryable: false, cancellationToken);
    }

    /// <summary>Changes a participant.</summary>
    /// <param name="roomId">The room.</param>
    /// <param name="accountId">The participant.</param>
    /// <param name="update">The changes.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The participant after the change.</returns>
    public Task<Participant> UpdateParticipantAsync(string roomId, string accountId, ParticipantUpdate update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        return RequestAsync(new ClientFrame { Type = CommandTypes.ParticipantsUpdate, RoomId = roomId, AccountId = accountId, Update = update }, Json.Participant, retryable: true, cancellationToken);
    }

    /// <summary>Removes a participant from a room.</summary>
    /// <param name="roomId">The room.</param>
    /// <param name="accountId">The participant.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>A task that completes when the participant is removed.</returns>
    public Task RemoveParticipantAsync(string roomId, string accountId, CancellationToken cancellationToken = default) =>
        RequestAsync(new ClientFrame { Type = CommandTypes.ParticipantsRemove, RoomId = roomId, AccountId = accountId }, retryable: false, cancellationToken);

    /// <summary>Lists a room's participants.</summary>
    /// <param name="roomId">The room.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The participants.</returns>
    public Task<IReadOnlyList<Participant>> ListParticipantsAsync(string roomId, CancellationToken cancellationToken = default) =>
        RequestAsync(new ClientFrame { Type = CommandTypes.ParticipantsList, RoomId = roomId }, Json.IReadOnlyListParticipant, retryable: true, cancellationToken);

    /// <summary>Creates a conversation in a room.</summary>
    /// <param name="roomId">The room.</param>
    /// <param name="title">The title, if any.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The conversation.</returns>
    public Task<Conversation> CreateConversationAsync(string roomId, string? title = null, CancellationToken cancellationToken = default) =>
        RequestAsync(new ClientFrame { Type = CommandTypes.ConversationsCreate, RoomId = roomId, Title = title }, Json.Conversation, retryable: false, cancellationToken);

    /// <summary>Gets a conversation, with its latest sequence.</summary>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The conversation.</returns>
    public Task<Conversation> GetConversationAsync(string conversationId, CancellationToken cancellationToken = default) =>
        RequestAsync(new ClientFrame { Type = CommandTypes.ConversationsGet, ConversationId = conversationId }, Json.Conversation, retryable: true, cancellationToken);

    /// <summary>Lists a room's conversations.</summary>
    /// <param name="roomId">The room.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The conversations.</returns>
    public Task<IReadOnlyList<Conversation>> ListConversationsAsync(string roomId, CancellationToken cancellationToken = default) =>
        RequestAsync(new ClientFrame { Type = CommandTypes.ConversationsList, RoomId = roomId }, Json.IReadOnlyListConversation, retryable: true, cancellationToken);

    /// <summary>
    /// Posts a message. Without a <see cref="PostMessageRequest.ClientMessageId"/> the client generates one, so the post is
    /// resent safely after a reconnect: the server stores it once.
    /// </summary>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="request">The message.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The stored message, with its sequence.</returns>
    public Task<Message> PostAsync(string conversationId, PostMessageRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var frame = new ClientFrame
        {
            Type = CommandTypes.MessagesPost,
            ConversationId = conversationId,
            Text = request.Text,
            Format = request.Format == MessageFormat.Plain ? null : request.Format,
            Attachments = request.Attachments.Count == 0 ? null : request.Attachments,
            Data = request.Data,
            ReplyToId = request.ReplyToId,
            ClientMessageId = request.ClientMessageId ?? NewClientMessageId(),
        };
        return RequestAsync(frame, Json.Message, retryable: true, cancellationToken);
    }

    /// <summary>Posts plain text; see <see cref="PostAsync(string, PostMessageRequest, CancellationToken)"/>.</summary>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="text">The text.</param>
    /// <param name="clientMessageId">The idempotency key; generated when <see langword="null"/>.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The stored message.</returns>
    public Task<Message> PostTextAsync(string conversationId, string text, string? clientMessageId = null, CancellationToken cancellationToken = default) =>
        PostAsync(conversationId, new PostMessageRequest { Text = text, ClientMessageId = clientMessageId }, cancellationToken);

    /// <summary>Edits a message.</summary>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="messageId">The message.</param>
    /// <param name="request">The changes.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The message after the edit.</returns>
    public Task<Message> EditAsync(string conversationId, string messageId, EditMessageRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var frame = new ClientFrame { Type = CommandTypes.MessagesEdit, ConversationId = conversationId, MessageId = messageId, Text = request.Text, Format = request.Format, Attachments = request.Attachments, Data = request.Data };
        return RequestAsync(frame, Json.Message, retryable: false, cancellationToken);
    }

    /// <summary>Deletes a message.</summary>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="messageId">The message.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The deleted message.</returns>
    public Task<Message> DeleteAsync(string conversationId, string messageId, CancellationToken cancellationToken = default) =>
        RequestAsync(new ClientFrame { Type = CommandTypes.MessagesDelete, ConversationId = conversationId, MessageId = messageId }, Json.Message, retryable: false, cancellationToken);

    /// <summary>Reads a page of history.</summary>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="query">The page; <see langword="null"/> for the latest messages.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The page, in ascending sequence order.</returns>
    public Task<MessagePage> GetHistoryAsync(string conversationId, HistoryQuery? query = null, CancellationToken cancellationToken = default)
    {
        query ??= HistoryQuery.Latest();
        var frame = new ClientFrame { Type = CommandTypes.MessagesHistory, ConversationId = conversationId, Before = query.Before, After = query.After, Limit = query.Limit };
        return RequestAsync(frame, Json.MessagePage, retryable: true, cancellationToken);
    }

    /// <summary>Announces that the caller started or stopped typing.</summary>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="isTyping">Whether the caller is typing.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>A task that completes when the server acknowledged.</returns>
    public Task SetTypingAsync(string conversationId, bool isTyping, CancellationToken cancellationToken = default) =>
        RequestAsync(new ClientFrame { Type = CommandTypes.Typing, ConversationId = conversationId, IsTyping = isTyping }, retryable: true, cancellationToken);

    /// <summary>Moves the caller's read marker forward.</summary>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="sequence">The highest sequence read.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The marker after the call.</returns>
    public Task<ReadMarker> MarkReadAsync(string conversationId, long sequence, CancellationToken cancellationToken = default) =>
        RequestAsync(new ClientFrame { Type = CommandTypes.Read, ConversationId = conversationId, Sequence = sequence }, Json.ReadMarker, retryable: true, cancellationToken);

    /// <summary>Lists a conversation's read markers.</summary>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The markers.</returns>
    public Task<IReadOnlyList<ReadMarker>> GetReadMarkersAsync(string conversationId, CancellationToken cancellationToken = default) =>
        RequestAsync(new ClientFrame { Type = CommandTypes.ReadMarkers, ConversationId = conversationId }, Json.IReadOnlyListReadMarker, retryable: true, cancellationToken);

    /// <summary>
    /// Streams a message: starts it, sends each chunk (subscribers see <c>conversation.message_delta</c> events), and completes
    /// it. If the chunks throw or the token is cancelled, the message is failed with the text so far and the exception
    /// propagates; if the connection drops, the server fails the message and this throws <see cref="UnavailableException"/>.
    /// </summary>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="chunks">The chunks of text.</param>
    /// <param name="request">Format, data, reply-to and client message id; <see langword="null"/> for defaults.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The completed message.</returns>
    public async Task<Message> StreamAsync(string conversationId, IAsyncEnumerable<string> chunks, StreamMessageRequest? request = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        var begin = new ClientFrame
        {
            Type = CommandTypes.StreamBegin,
            ConversationId = conversationId,
            Format = request?.Format,
            Data = request?.Data,
            ReplyToId = request?.ReplyToId,
            ClientMessageId = request?.ClientMessageId ?? NewClientMessageId(),
        };
        var message = await RequestAsync(begin, Json.Message, retryable: false, cancellationToken).ConfigureAwait(false);
        try
        {
            await foreach (var chunk in chunks.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                if (!string.IsNullOrEmpty(chunk))
                {
                    await RequestAsync(new ClientFrame { Type = CommandTypes.StreamAppend, MessageId = message.Id, Delta = chunk }, retryable: false, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (Exception) when (State == ConversationsClientState.Connected)
        {
            try
            {
                await RequestAsync(new ClientFrame { Type = CommandTypes.StreamFail, MessageId = message.Id }, retryable: false, CancellationToken.None).ConfigureAwait(false);
            }
            catch (ConversationsException)
            {
                // The stream may already be closed; the original failure matters more.
            }

            throw;
        }

        return await RequestAsync(new ClientFrame { Type = CommandTypes.StreamComplete, MessageId = message.Id }, Json.Message, retryable: false, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Follows a conversation: every log change after <paramref name="afterSequence"/>, then live events, in order. After a
    /// reconnect the client resubscribes from the last sequence it delivered: nothing is missed or repeated. Deltas and typing
    /// events are live only.
    /// </summary>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="afterSequence">The last sequence already seen; 0 for the whole log.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The events, until cancelled, disposed, or the server ends the subscription (then with its error).</returns>
    /// <exception cref="InvalidOperationException">This client already follows the conversation.</exception>
    public IAsyncEnumerable<ConversationEvent> SubscribeAsync(string conversationId, long afterSequence = 0, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(conversationId);
        ArgumentOutOfRangeException.ThrowIfNegative(afterSequence);
        var subscription = new ClientSubscription(ConversationKey(conversationId), conversationId, null, afterSequence, _options.SubscriptionBufferCapacity);
        var subscribe = new ClientFrame { Type = CommandTypes.Subscribe, ConversationId = conversationId, AfterSequence = afterSequence };
        var unsubscribe = new ClientFrame { Type = CommandTypes.Unsubscribe, ConversationId = conversationId };
        return FollowAsync(subscription, subscribe, unsubscribe, cancellationToken);
    }

    /// <summary>
    /// Follows a room's live events (participants added, updated and removed; conversations created). Room events are not
    /// replayed; read the room's state after subscribing to catch up.
    /// </summary>
    /// <param name="roomId">The room.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The events.</returns>
    /// <exception cref="InvalidOperationException">This client already follows the room.</exception>
    public IAsyncEnumerable<ConversationEvent> SubscribeRoomAsync(string roomId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(roomId);
        var subscription = new ClientSubscription(RoomKey(roomId), null, roomId, 0, _options.SubscriptionBufferCapacity);
        var subscribe = new ClientFrame { Type = CommandTypes.RoomsSubscribe, RoomId = roomId };
        var unsubscribe = new ClientFrame { Type = CommandTypes.RoomsUnsubscribe, RoomId = roomId };
        return FollowAsync(subscription, subscribe, unsubscribe, cancellationToken);
    }

    private async IAsyncEnumerable<ConversationEvent> FollowAsync(ClientSubscription subscription, ClientFrame subscribe, ClientFrame unsubscribe, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (!_subscriptions.TryAdd(subscription.Key, subscription))
        {
            throw new InvalidOperationException("This client already follows " + subscription.Key.Replace(':', ' ') + "; one subscription per conversation or room.");
        }

        using var canceled = subscription.CancelOn(cancellationToken);
        try
        {
            await RequestAsync(subscribe, retryable: true, cancellationToken).ConfigureAwait(false);
            subscription.Acknowledged = true;
            while (true)
            {
                while (subscription.TryRead(out var e))
                {
                    yield return e;
                }

                if (subscription.Overflowed)
                {
                    // (A canceled reader's buffer refuses events too: that is not an overflow to repair.)
                    cancellationToken.ThrowIfCancellationRequested();

                    // This reader fell too far behind and events were dropped: the server replays them from its store.
                    Log.SubscriptionOverflowed(_logger, subscription.Key, subscription.LastSequence);
                    subscription.Rearm();
                    await ResubscribeAsync(subscription, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                if (!await subscription.WaitToReadAsync().ConfigureAwait(false))
                {
                    break;
                }
            }
        }
        finally
        {
            if (_subscriptions.TryRemove(new KeyValuePair<string, ClientSubscription>(subscription.Key, subscription)) && State == ConversationsClientState.Connected)
            {
                _ = UnsubscribeQuietlyAsync(unsubscribe);
            }
        }
    }

    private async Task UnsubscribeQuietlyAsync(ClientFrame unsubscribe)
    {
        try
        {
            await RequestAsync(unsubscribe, retryable: true, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ConversationsException or TimeoutException or ObjectDisposedException or InvalidOperationException)
        {
        }
    }
}
