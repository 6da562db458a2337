using System.Text.Json;
using System.Threading.Channels;
using Conversations.Redis.Internal;
using Conversations.Transport;
using StackExchange.Redis;

namespace Conversations.Redis;

public sealed partial class RedisEventBus
{
    private int _passing;

    /// <summary>Subscribes to a room's channel, then learns from the store where its conversations stand. Never throws.</summary>
    private async Task FollowRoomAsync(IConnectionMultiplexer multiplexer, RoomChannel room)
    {
        await SubscribeRoomAsync(multiplexer, room).ConfigureAwait(false);
        if (_store() is not { } store)
        {
            return;
        }

        try
        {
            foreach (var conversation in await store.GetConversationsAsync(room.RoomId, _stopping.Token).ConfigureAwait(false))
            {
                room.Cursors.Seed(conversation.Id, conversation.LastSequence);
            }

            // Every conversation that existed is known; one seen later is new, and starts at 0.
            room.Cursors.StartAtFirstSight = false;
        }
#pragma warning disable CA1031 // The store is unreachable: conversations start where their first event is seen.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.CatchUpFailed(_logger, ex);
        }
    }

    private async Task SubscribeRoomAsync(IConnectionMultiplexer multiplexer, RoomChannel room)
    {
        try
        {
            var queue = await multiplexer.GetSubscriber().SubscribeAsync(room.Channel).ConfigureAwait(false);
            bool closed;
            lock (_gate)
            {
                closed = room.Closed;
                if (!closed)
                {
                    room.Queue = queue;
                }
            }

            if (closed)
            {
                await UnsubscribeQuietlyAsync(queue).ConfigureAwait(false);
                return;
            }

            _ = ReadLoopAsync(queue, (in EventBusItem item) => room.Cursors.OnItem(item));
        }
#pragma warning disable CA1031 // Redis is down: the poll serves the room and subscribes again.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.SubscribeFailed(_logger, ex, room.Channel.ToString());
        }
    }

    /// <summary>Subscribes to every room's channel for the bus-wide subscribers. Never throws.</summary>
    private async Task FollowAllAsync(IConnectionMultiplexer multiplexer)
    {
        var pattern = RedisChannel.Pattern(_roomPrefix + "*");
        try
        {
            var queue = await multiplexer.GetSubscriber().SubscribeAsync(pattern).ConfigureAwait(false);
            _wideQueue = queue;
            _ = ReadLoopAsync(queue, (in EventBusItem item) => _wideCursors.OnItem(item));
        }
#pragma warning disable CA1031 // Redis is down: the poll subscribes again.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.SubscribeFailed(_logger, ex, pattern.ToString());
        }
    }

    private delegate void ItemHandler(in EventBusItem item);

    /// <summary>Reads one Redis subscription in order until it ends.</summary>
    private async Task ReadLoopAsync(ChannelMessageQueue queue, ItemHandler handle)
    {
        var token = _stopping.Token;
        try
        {
            while (!token.IsCancellationRequested)
            {
                var message = await queue.ReadAsync(token).ConfigureAwait(false);
                if (Parse(message) is { } item)
                {
                    handle(item);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (ChannelClosedException)
        {
        }
    }

    private EventBusItem? Parse(ChannelMessage message)
    {
        try
        {
            var envelope = JsonSerializer.Deserialize((byte[])message.Message!, RedisJsonContext.Default.RedisEnvelope);
            if (envelope?.Event is { } e)
            {
                return new EventBusItem(e);
            }

            if (envelope is { RoomId: { Length: > 0 } roomId, ConversationId: { Length: > 0 } conversationId, Sequence: >= 0 })
            {
                return EventBusItem.CatchUp(roomId, conversationId, envelope.Sequence);
            }

            throw new JsonException("The message is neither an event nor a doorbell.");
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or ArgumentException or InvalidCastException)
        {
            Log.UnreadableMessage(_logger, ex, message.Channel.ToString());
            return null;
        }
    }

    private void EnsurePolling()
    {
        if (Volatile.Read(ref _poll) is not null)
        {
            return;
        }

        lock (_gate)
        {
            if (_poll is null && Volatile.Read(ref _disposed) == 0)
            {
                _poll = _time.CreateTimer(static s => _ = ((RedisEventBus)s!).CatchUpPassAsync(afterReconnect: false), this, _options.CatchUpInterval, _options.CatchUpInterval);
            }
        }
    }

    /// <summary>
    /// Compares, for every room followed here, the store's last sequences with what was delivered, and rings a catch-up
    /// doorbell for each conversation that moved on unannounced. Also subscribes again where an earlier attempt failed.
    /// </summary>
    private async Task CatchUpPassAsync(bool afterReconnect)
    {
        if (Interlocked.Exchange(ref _passing, 1) == 1 && !afterReconnect)
        {
            return;
        }

        try
        {
            if (Volatile.Read(ref _disposed) != 0 || _multiplexer is not { } multiplexer)
            {
                return;
            }

            if (afterReconnect)
            {
                // The client restores its subscriptions on reconnect; a round trip on the subscription connection after
                // that makes sure they are in place before the store is read.
                await multiplexer.GetSubscriber().PingAsync().WaitAsync(_stopping.Token).ConfigureAwait(false);
            }

            RoomChannel[] rooms;
            bool resubscribeWide;
            lock (_gate)
            {
                rooms = [.. _rooms.Values];
                resubscribeWide = _wideReady is not null && _wideQueue is null;
            }

            if (resubscribeWide && multiplexer.IsConnected)
            {
                await FollowAllAsync(multiplexer).ConfigureAwait(false);
            }

            foreach (var room in rooms)
            {
                if (room.Queue is null && multiplexer.IsConnected)
                {
                    await SubscribeRoomAsync(multiplexer, room).ConfigureAwait(false);
                }

                if (_store() is not { } store)
                {
                    continue;
                }

                foreach (var conversation in await store.GetConversationsAsync(room.RoomId, _stopping.Token).ConfigureAwait(false))
                {
                    if (room.Cursors.CatchUp(room.RoomId, conversation.Id, conversation.LastSequence))
                    {
                        Log.CaughtUp(_logger, conversation.Id, conversation.LastSequence);
                    }

                    if (afterReconnect)
                    {
                        _wideCursors.CatchUp(room.RoomId, conversation.Id, conversation.LastSequence);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (ObjectDisposedException)
        {
        }
#pragma warning disable CA1031 // The store or Redis is down: the next pass tries again.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.CatchUpFailed(_logger, ex);
        }
        finally
        {
            Volatile.Write(ref _passing, 0);
        }
    }
}
