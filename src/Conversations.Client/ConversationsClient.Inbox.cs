using System.Runtime.CompilerServices;
using System.Text.Json;
using Conversations.Client.Internal;
using Conversations.Protocol;

namespace Conversations.Client;

public sealed partial class ConversationsClient
{
    private ClientInboxSubscription? _inbox;

    /// <summary>Reads a page of the caller's inbox: its rooms by last activity, with the latest message, unread counts and read positions.</summary>
    /// <param name="query">The page; <see langword="null"/> for the first 50 entries.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The page.</returns>
    public Task<InboxPage> GetInboxAsync(InboxQuery? query = null, CancellationToken cancellationToken = default)
    {
        query ??= new InboxQuery();
        return RequestAsync(new ClientFrame { Type = CommandTypes.InboxGet, Limit = query.Limit, Cursor = query.Cursor }, Json.InboxPage, retryable: true, cancellationToken);
    }

    /// <summary>
    /// Follows the caller's inbox: first every room that differs from <paramref name="knownVersions"/> (added, updated, or
    /// removed), then live changes. After a reconnect the client subscribes again with the version of every entry it
    /// delivered, so the server sends only what changed meanwhile: nothing is missed and nothing repeats.
    /// </summary>
    /// <param name="knownVersions">The entries the caller already holds, as room id to <see cref="InboxEntry.Version"/>; <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The events, until cancelled, disposed, or the server ends the subscription (then with its error).</returns>
    /// <exception cref="InvalidOperationException">This client already follows the inbox.</exception>
    public IAsyncEnumerable<InboxEvent> SubscribeInboxAsync(IReadOnlyDictionary<string, long>? knownVersions = null, CancellationToken cancellationToken = default)
    {
        var subscription = new ClientInboxSubscription(_options.SubscriptionBufferCapacity);
        subscription.Know(knownVersions);
        return FollowInboxAsync(subscription, cancellationToken);
    }

    /// <summary>
    /// Stops a streaming message (an agent's reply, or the caller's own stream): it is stored with the text so far and status
    /// <see cref="MessageStatus.Stopped"/>, and the agent's flow is cancelled. Not repeated after a lost connection.
    /// </summary>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="messageId">The streaming message.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The stopped message.</returns>
    public Task<Message> StopAsync(string conversationId, string messageId, CancellationToken cancellationToken = default) =>
        RequestAsync(new ClientFrame { Type = CommandTypes.MessagesStop, ConversationId = conversationId, MessageId = messageId }, Json.Message, retryable: false, cancellationToken);

    /// <summary>
    /// Asks the agent that wrote <paramref name="messageId"/> to answer again: the reply is replaced (deleted) and the new one
    /// is posted at the end of the conversation. Not repeated after a lost connection (a second request is refused with
    /// <c>conflict</c>).
    /// </summary>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="messageId">The agent's reply.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The replaced reply, now deleted.</returns>
    public Task<Message> RegenerateAsync(string conversationId, string messageId, CancellationToken cancellationToken = default) =>
        RequestAsync(new ClientFrame { Type = CommandTypes.MessagesRegenerate, ConversationId = conversationId, MessageId = messageId }, Json.Message, retryable: false, cancellationToken);

    private async IAsyncEnumerable<InboxEvent> FollowInboxAsync(ClientInboxSubscription subscription, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (Interlocked.CompareExchange(ref _inbox, subscription, null) is not null)
        {
            throw new InvalidOperationException("This client already follows the inbox; one inbox subscription per client.");
        }

        try
        {
            await RequestAsync(InboxFrame(subscription), retryable: true, cancellationToken).ConfigureAwait(false);
            subscription.Acknowledged = true;
            var reader = subscription.Reader;
            while (true)
            {
                while (reader.TryRead(out var e))
                {
                    yield return e;
                }

                if (subscription.Overflowed)
                {
                    var known = subscription.Known();
                    Log.InboxOverflowed(_logger, known.Count);
                    subscription.Rearm();
                    await ResubscribeInboxAsync(subscription, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                if (!await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    break;
                }
            }
        }
        finally
        {
            if (Interlocked.CompareExchange(ref _inbox, null, subscription) == subscription && State == ConversationsClientState.Connected)
            {
                _ = UnsubscribeQuietlyAsync(new ClientFrame { Type = CommandTypes.InboxUnsubscribe });
            }
        }
    }

    private static ClientFrame InboxFrame(ClientInboxSubscription subscription) =>
        new() { Type = CommandTypes.InboxSubscribe, Known = subscription.Known() };

    private async Task ResubscribeInboxAsync(ClientInboxSubscription subscription, CancellationToken cancellationToken = default)
    {
        try
        {
            await RequestAsync(InboxFrame(subscription), retryable: true, cancellationToken, subscription.Resubscribed).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            if (Interlocked.CompareExchange(ref _inbox, null, subscription) == subscription)
            {
                subscription.Complete(e);
            }
        }
    }

    /// <summary>Routes an event frame to its subscription by the name the server gives it.</summary>
    private void DispatchEvent(ServerFrame frame)
    {
        try
        {
            if (frame.Event is { } raw)
            {
                ServerFrameReader.ReadEvent(frame, raw);
            }
        }
        catch (JsonException ex)
        {
            // An event from a newer server (a type this client does not know) is skipped, not fatal.
            Log.UnreadableFrame(_logger, ex);
            return;
        }

        if (frame.InboxEvent is { } inboxEvent)
        {
            _inbox?.Deliver(inboxEvent);
            return;
        }

        if (frame.ConversationEvent is not { } e)
        {
            return;
        }

        // Subscriptions are kept under the names the server gives their frames.
        var key = frame.Subscription ?? (e is RoomCreatedEvent or ParticipantAddedEvent or ParticipantRemovedEvent or ParticipantUpdatedEvent or ConversationCreatedEvent
                ? RoomKey(e.RoomId)
                : ConversationKey(e.ConversationId ?? string.Empty));
        if (_subscriptions.TryGetValue(key, out var subscription))
        {
            subscription.Deliver(e);
        }
    }

    /// <summary>Ends the inbox subscription when the server ended it; returns whether the frame was the inbox's.</summary>
    private bool EndInbox(ServerFrame frame)
    {
        if (!string.Equals(frame.Subscription, SubscriptionNames.Inbox, StringComparison.Ordinal))
        {
            return false;
        }

        if (Interlocked.Exchange(ref _inbox, null) is { } inbox)
        {
            inbox.Complete(frame.Code is null ? null : ErrorCodes.ToException(frame.Code, frame.Message));
        }

        return true;
    }

    private void ResumeInbox()
    {
        if (_inbox is { Acknowledged: true } inbox)
        {
            _ = ResubscribeInboxAsync(inbox);
        }
    }

    private void CloseInbox(Exception? failure)
    {
        if (Interlocked.Exchange(ref _inbox, null) is { } inbox)
        {
            inbox.Complete(failure);
        }
    }
}
