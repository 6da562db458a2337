using Conversations.Protocol;

namespace Conversations.Internal;

internal sealed partial class ConversationsConnection
{
    private readonly Dictionary<string, (CancellationTokenSource Cancel, Task Pump)> _subscriptions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, MessageStream> _streams = new(StringComparer.Ordinal);

    private static string ConversationKey(string conversationId) => "c:" + conversationId;

    private static string RoomKey(string roomId) => "r:" + roomId;

    private const string InboxKey = "inbox";

    /// <summary>The most events a pump queues before it sends them, however many more are ready.</summary>
    private const int MaxBurst = 64;

    private async Task<byte[]?> SubscribeConversationAsync(string id, string conversationId, long afterSequence, CancellationToken ct)
    {
        if (afterSequence < 0)
        {
            throw new InvalidArgumentException("\"afterSequence\" must be 0 or more.");
        }

        var key = ConversationKey(conversationId);
        EnsureSubscriptionRoom(key);

        // Authorize before acknowledging: the subscription itself only fails lazily, on its first read.
        var conversation = await _services.Conversations.GetAsync(_account, conversationId, ct).ConfigureAwait(false);
        await UnsubscribeAsync(key).ConfigureAwait(false);
        var name = SubscriptionNames.Conversation(conversationId);

        // What the store already holds at the ack is history the client asked for; later changes are news (delivery lag).
        var replayThrough = conversation.LastSequence;
        var acknowledged = Start(key, token => _services.Messages.SubscribeAsync(_account, conversationId, afterSequence, token), e => EventFrame(e, name, replayThrough), name, conversationId, null);
        await EnqueueAsync(FrameWriter.Ack(id, conversation, Json.Conversation), ct).ConfigureAwait(false);
        acknowledged.TrySetResult();
        return null;
    }

    private async Task<byte[]?> SubscribeRoomAsync(string id, string roomId, CancellationToken ct)
    {
        var key = RoomKey(roomId);
        EnsureSubscriptionRoom(key);
        var room = await _services.Rooms.GetRoomAsync(_account, roomId, ct).ConfigureAwait(false);
        await UnsubscribeAsync(key).ConfigureAwait(false);
        var name = SubscriptionNames.Room(roomId);
        var acknowledged = Start(key, token => _services.Rooms.SubscribeAsync(_account, roomId, token), e => EventFrame(e, name, replayThrough: -1), name, null, roomId);
        await EnqueueAsync(FrameWriter.Ack(id, room, Json.Room), ct).ConfigureAwait(false);
        acknowledged.TrySetResult();
        return null;
    }

    private async Task<byte[]?> SubscribeInboxAsync(string id, Dictionary<string, long>? known, CancellationToken ct)
    {
        EnsureSubscriptionRoom(InboxKey);

        // The engine checks the caller and the known versions at the call, so bad input is refused before the ack.
        var events = _services.Rooms.SubscribeInboxAsync(_account, known, CancellationToken.None);
        await UnsubscribeAsync(InboxKey).ConfigureAwait(false);
        var acknowledged = Start(InboxKey, token => WithToken(events, token), e => new OutboundFrame(FrameWriter.Event(e)), SubscriptionNames.Inbox, null, null);
        await EnqueueAsync(FrameWriter.Ack(id, new InboxSubscribeResult(), Json.InboxSubscribeResult), ct).ConfigureAwait(false);
        acknowledged.TrySetResult();
        return null;

        static async IAsyncEnumerable<InboxEvent> WithToken(IAsyncEnumerable<InboxEvent> source, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken token)
        {
            await foreach (var e in source.WithCancellation(token).ConfigureAwait(false))
            {
                yield return e;
            }
        }
    }

    private void EnsureSubscriptionRoom(string key)
    {
        lock (_subscriptions)
        {
            if (!_subscriptions.ContainsKey(key) && _subscriptions.Count >= _options.MaxSubscriptionsPerConnection)
            {
                throw new LimitExceededException($"A connection may hold at most {_options.MaxSubscriptionsPerConnection} subscriptions.");
            }
        }
    }

    /// <summary>
    /// Starts following before the ack is queued (the first read begins the engine's subscription), and holds every event
    /// back until the returned source is completed, right after the ack: the ack always comes first.
    /// </summary>
    private TaskCompletionSource Start<T>(string key, Func<CancellationToken, IAsyncEnumerable<T>> subscribe, Func<T, OutboundFrame> frame, string name, string? conversationId, string? roomId)
    {
        var cancel = CancellationTokenSource.CreateLinkedTokenSource(_lifetime.Token);
        var acknowledged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // The pump outlives the subscribe command: it must not run inside that command's (soon ended) span.
        var command = System.Diagnostics.Activity.Current;
        System.Diagnostics.Activity.Current = null;
        var enumerator = subscribe(cancel.Token).GetAsyncEnumerator(cancel.Token);
        var first = enumerator.MoveNextAsync();
        var pump = PumpAsync(enumerator, first, frame, acknowledged.Task, name, conversationId, roomId, cancel.Token);
        System.Diagnostics.Activity.Current = command;
        lock (_subscriptions)
        {
            _subscriptions[key] = (cancel, pump);
        }

        return acknowledged;
    }

    private async Task PumpAsync<T>(IAsyncEnumerator<T> events, ValueTask<bool> first, Func<T, OutboundFrame> frame, Task acknowledged, string name, string? conversationId, string? roomId, CancellationToken ct)
    {
        try
        {
            var more = await first.ConfigureAwait(false);
            await acknowledged.WaitAsync(ct).ConfigureAwait(false);
            var held = 0;
            while (more)
            {
                if (!await EnqueueAsync(frame(events.Current), ct, drain: false).ConfigureAwait(false))
                {
                    return;
                }

                // Events that are ready at once are queued together and sent when the burst ends (or, if the connection has
                // just sent, when its batch window ends); a burst of MaxBurst fills messages by itself and goes at once.
                var next = events.MoveNextAsync();
                if (!next.IsCompleted)
                {
                    DrainEvents();
                    held = 0;
                }
                else if (++held >= MaxBurst)
                {
                    Drain();
                    held = 0;
                }

                more = await next.ConfigureAwait(false);
            }

            if (!ct.IsCancellationRequested)
            {
                await EnqueueAsync(FrameWriter.SubscriptionEnded(name, conversationId, roomId, null, "The subscription ended: the caller is no longer a participant."), ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            var (code, message, expected) = ErrorMapping.Map(e);
            if (!expected)
            {
                Log.SubscriptionFailed(_logger, name, _id, e);
            }

            await acknowledged.WaitAsync(ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await EnqueueAsync(FrameWriter.SubscriptionEnded(name, conversationId, roomId, code, message), ct).ConfigureAwait(false);
        }
        finally
        {
            // A burst cut short (the subscription was cancelled) is still sent.
            Drain();
            await events.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>An event frame that keeps its event for the delivery metrics: news unless it is log history up to <paramref name="replayThrough"/>.</summary>
    private OutboundFrame EventFrame(ConversationEvent e, string subscription, long replayThrough)
    {
        var live = e is not MessageLogEvent { Sequence: var sequence } || sequence > replayThrough;
        return _compact && e is MessageLogEvent logged
            ? new(FrameWriter.CompactEvent(logged, subscription), e, live, Binary: true)
            : new(FrameWriter.Event(e, subscription), e, live);
    }

    private async Task UnsubscribeAsync(string key)
    {
        (CancellationTokenSource Cancel, Task Pump) subscription;
        lock (_subscriptions)
        {
            if (!_subscriptions.Remove(key, out subscription))
            {
                return;
            }
        }

        await subscription.Cancel.CancelAsync().ConfigureAwait(false);
        await subscription.Pump.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        subscription.Cancel.Dispose();
    }

    private async Task StopSubscriptionsAsync()
    {
        string[] keys;
        lock (_subscriptions)
        {
            keys = [.. _subscriptions.Keys];
        }

        foreach (var key in keys)
        {
            await UnsubscribeAsync(key).ConfigureAwait(false);
        }
    }

    private async Task<Message> BeginStreamAsync(ClientFrame f, CancellationToken ct)
    {
        if (_streams.Count >= _options.MaxOpenStreamsPerConnection)
        {
            throw new LimitExceededException($"A connection may have at most {_options.MaxOpenStreamsPerConnection} open streams.");
        }

        var request = new StreamMessageRequest { Format = f.Format ?? MessageFormat.Plain, Data = f.Data, ReplyToId = f.ReplyToId, ClientMessageId = f.ClientMessageId };
        var stream = await _services.Messages.BeginStreamAsync(_account, Required(f.ConversationId, "conversationId"), request, ct).ConfigureAwait(false);
        _streams.TryAdd(stream.Message.Id, stream);
        return stream.Message;
    }

    private MessageStream OpenStream(ClientFrame f) =>
        _streams.TryGetValue(Required(f.MessageId, "messageId"), out var stream)
            ? stream
            : throw new NotFoundException($"No open stream for message \"{f.MessageId}\" on this connection.");

    private async Task<Message> CloseStreamAsync(ClientFrame f, bool complete, CancellationToken ct)
    {
        var stream = OpenStream(f);
        try
        {
            return complete ? await stream.CompleteAsync(ct).ConfigureAwait(false) : await stream.FailAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            if (stream.IsClosed)
            {
                _streams.Remove(stream.Message.Id);
                await stream.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Fails every stream the client left open: a dropped connection never leaves a message streaming.</summary>
    private async Task DisposeStreamsAsync()
    {
        foreach (var stream in _streams.Values)
        {
            try
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is ConversationsException or OperationCanceledException or ObjectDisposedException)
            {
            }
        }

        _streams.Clear();
    }
}
