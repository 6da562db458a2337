using System.Text.Json;
using Conversations.Redis.Internal;
using Conversations.Storage;
using Conversations.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace Conversations.Redis;

/// <summary>
/// An event bus for several hosts on Redis pub/sub: each host publishes its events on the room's channel
/// (<c>{prefix}:room:{roomId}</c>), and delivers what it receives to its own subscribers. The store stays the truth:
/// Redis may drop messages, so every host keeps, per conversation, the sequence it delivered, and fills gaps from the store.
/// </summary>
/// <remarks>
/// <para>
/// Subscribers of one room are served by a subscription to that room's channel; bus-wide subscribers (the engine's own
/// listener, which feeds flows, event handlers and stream mirrors) by one pattern subscription. Log events (posted,
/// updated, deleted) travel whole when they fit in <see cref="RedisEventBusOptions.MaxEventBytes"/>, otherwise as a bare
/// doorbell; either way they are handed on in sequence order per conversation, at most once. A log event that arrives
/// ahead of a missing one waits up to <see cref="RedisEventBusOptions.ReorderWindow"/>, then goes on and subscribers read the
/// gap from the store.
/// </para>
/// <para>
/// Lost messages are found by comparing, for each followed room, the store's last sequences with what was delivered: at
/// once after Redis reconnects, and every <see cref="RedisEventBusOptions.CatchUpInterval"/>. A conversation found ahead
/// gets a <see cref="EventBusItem.CatchUp"/> doorbell. While Redis is down, publishing fails (the engine logs it, and the
/// write it announces has already succeeded) and live delivery falls back to that poll. Deltas, typing and read events are
/// best effort.
/// </para>
/// <para>Thread-safe. Dispose it to unsubscribe (and to close the Redis connection, when it opened it).</para>
/// </remarks>
public sealed partial class RedisEventBus : ConversationEventBus, IAsyncDisposable, IDisposable
{
    private readonly RedisEventBusOptions _options;
    private readonly Func<ConversationStore?> _store;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _connectGate = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Dictionary<string, RoomChannel> _rooms = new(StringComparer.Ordinal);
    private readonly DeliveryCursors _wideCursors;
    private readonly string _roomPrefix;
    private IConnectionMultiplexer? _multiplexer;
    private readonly bool _ownsMultiplexer;
    private LocalSubscription[] _wide = [];
    private Task? _wideReady;
    private ChannelMessageQueue? _wideQueue;
    private ITimer? _poll;
    private int _disposed;

    /// <summary>Initializes a new instance of the <see cref="RedisEventBus"/> class. Redis is first reached on the first publish or subscription.</summary>
    /// <param name="options">The options; validated here.</param>
    /// <param name="multiplexer">The Redis connection to use, which the bus does not dispose; <see langword="null"/> to open one from <see cref="RedisEventBusOptions.Configuration"/>.</param>
    /// <param name="store">Returns the store that gaps are filled from; <see langword="null"/>, or returning <see langword="null"/>, for a bus that cannot catch up (then lost messages are noticed only at the next event of a conversation).</param>
    /// <param name="timeProvider">The clock of the reorder window and the catch-up poll; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <param name="logger">The logger; <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The options are not valid, or neither a multiplexer nor a configuration is given.</exception>
    public RedisEventBus(RedisEventBusOptions options, IConnectionMultiplexer? multiplexer = null, Func<ConversationStore?>? store = null, TimeProvider? timeProvider = null, ILogger<RedisEventBus>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        RedisEventBusOptionsValidator.ThrowIfInvalid(options);
        if (multiplexer is null && string.IsNullOrWhiteSpace(options.Configuration))
        {
            throw new Microsoft.Extensions.Options.OptionsValidationException(Microsoft.Extensions.Options.Options.DefaultName, typeof(RedisEventBusOptions), ["Configuration is required when no IConnectionMultiplexer is given."]);
        }

        _options = options;
        _multiplexer = multiplexer;
        _ownsMultiplexer = multiplexer is null;
        _store = store ?? (static () => null);
        _time = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _roomPrefix = options.ChannelPrefix + ":room:";
        _wideCursors = new DeliveryCursors(DeliverWide, _time, options.ReorderWindow, options.MaxTrackedConversations);
        if (multiplexer is not null)
        {
            Watch(multiplexer);
        }
    }

    /// <inheritdoc />
    public override async ValueTask PublishAsync(ConversationEvent conversationEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(conversationEvent);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var payload = JsonSerializer.SerializeToUtf8Bytes(new RedisEnvelope { Event = conversationEvent }, RedisJsonContext.Default.RedisEnvelope);
        if (payload.Length > _options.MaxEventBytes)
        {
            if (conversationEvent is not MessageLogEvent logged)
            {
                Log.EventTooLarge(_logger, conversationEvent.Type.Value, payload.Length, "it is dropped (live events are best effort)");
                return;
            }

            Log.EventTooLarge(_logger, conversationEvent.Type.Value, payload.Length, "a doorbell is sent and subscribers read it from the store");
            payload = JsonSerializer.SerializeToUtf8Bytes(
                new RedisEnvelope { RoomId = logged.RoomId, ConversationId = logged.ConversationId, Sequence = logged.Sequence },
                RedisJsonContext.Default.RedisEnvelope);
        }

        var multiplexer = await GetMultiplexerAsync(cancellationToken).ConfigureAwait(false);
        await multiplexer.GetSubscriber().PublishAsync(RedisChannel.Literal(_roomPrefix + conversationEvent.RoomId), payload).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Completes once the Redis subscription that serves <paramref name="filter"/> is confirmed (and, for a room, once the
    /// host knows where the room's conversations stand). When Redis is unreachable it completes anyway, and the catch-up
    /// poll serves the subscription until Redis is back.
    /// </remarks>
    public override async ValueTask<EventBusSubscription> SubscribeAsync(EventBusFilter filter, int capacity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        cancellationToken.ThrowIfCancellationRequested();
        var multiplexer = await GetMultiplexerAsync(cancellationToken).ConfigureAwait(false);
        var subscription = new LocalSubscription(filter, capacity, Remove);
        Task ready;
        lock (_gate)
        {
            if (filter.RoomId is { } roomId)
            {
                if (!_rooms.TryGetValue(roomId, out var room))
                {
                    room = new RoomChannel(roomId, RedisChannel.Literal(_roomPrefix + roomId), r => new DeliveryCursors(r.Deliver, _time, _options.ReorderWindow, int.MaxValue));
                    _rooms[roomId] = room;
                    room.Ready = FollowRoomAsync(multiplexer, room);
                }

                room.Subscribers = [.. room.Subscribers, subscription];
                ready = room.Ready;
            }
            else
            {
                _wide = [.. _wide, subscription];
                _wideReady ??= FollowAllAsync(multiplexer);
                ready = _wideReady;
            }
        }

        try
        {
            await ready.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            subscription.Dispose();
            throw;
        }

        return subscription;
    }

    /// <summary>Unsubscribes from Redis and closes the connection when the bus opened it.</summary>
    /// <returns>A task that completes when the bus is closed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_poll is not null)
        {
            await _poll.DisposeAsync().ConfigureAwait(false);
        }

        RoomChannel[] rooms;
        LocalSubscription[] wide;
        lock (_gate)
        {
            rooms = [.. _rooms.Values];
            _rooms.Clear();
            wide = _wide;
            _wide = [];
        }

        foreach (var room in rooms)
        {
            room.Closed = true;
            room.Cursors.Dispose();
            foreach (var subscriber in room.Subscribers)
            {
                subscriber.Dispose();
            }

            await UnsubscribeQuietlyAsync(room.Queue).ConfigureAwait(false);
        }

        foreach (var subscriber in wide)
        {
            subscriber.Dispose();
        }

        _wideCursors.Dispose();
        await UnsubscribeQuietlyAsync(_wideQueue).ConfigureAwait(false);
        if (_ownsMultiplexer && _multiplexer is not null)
        {
            await _multiplexer.DisposeAsync().ConfigureAwait(false);
        }

        _stopping.Dispose();
        _connectGate.Dispose();
    }

    /// <summary>Unsubscribes from Redis and closes the connection when the bus opened it.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private async ValueTask<IConnectionMultiplexer> GetMultiplexerAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _multiplexer) is { } existing)
        {
            EnsurePolling();
            return existing;
        }

        await _connectGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_multiplexer is null)
            {
                var configuration = ConfigurationOptions.Parse(_options.Configuration!);

                // Start even while Redis is down: the connection keeps retrying, and the catch-up poll serves subscribers meanwhile.
                configuration.AbortOnConnectFail = false;
                var multiplexer = await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false);
                Watch(multiplexer);
                Volatile.Write(ref _multiplexer, multiplexer);
            }
        }
        finally
        {
            _connectGate.Release();
        }

        EnsurePolling();
        return _multiplexer;
    }

    private void Watch(IConnectionMultiplexer multiplexer)
    {
        multiplexer.ConnectionFailed += (_, e) => Log.ConnectionFailed(_logger, e.Exception, e.ConnectionType.ToString(), e.FailureType.ToString());
        multiplexer.ConnectionRestored += (_, e) =>
        {
            Log.ConnectionRestored(_logger, e.ConnectionType.ToString());
            if (e.ConnectionType == ConnectionType.Subscription)
            {
                // Anything published while the subscription was down is lost — room events too, such as a participant's
                // removal — so every subscriber gets an overflow marker (it catches up from the store and checks it still
                // belongs), and the rooms followed here are compared with the store.
                DeliverWide(EventBusItem.Overflow);
                foreach (var room in Rooms())
                {
                    room.Deliver(EventBusItem.Overflow);
                }

                _ = CatchUpPassAsync(afterReconnect: true);
            }
        };
    }

    private RoomChannel[] Rooms()
    {
        lock (_gate)
        {
            return [.. _rooms.Values];
        }
    }

    private void DeliverWide(EventBusItem item)
    {
        foreach (var subscriber in Volatile.Read(ref _wide))
        {
            subscriber.Offer(item);
        }
    }

    private void Remove(LocalSubscription subscription)
    {
        RoomChannel? closed = null;
        lock (_gate)
        {
            if (subscription.Filter.RoomId is { } roomId)
            {
                if (_rooms.TryGetValue(roomId, out var room))
                {
                    room.Subscribers = Array.FindAll(room.Subscribers, s => !ReferenceEquals(s, subscription));
                    if (room.Subscribers.Length == 0)
                    {
                        _rooms.Remove(roomId);
                        room.Closed = true;
                        closed = room;
                    }
                }
            }
            else
            {
                _wide = Array.FindAll(_wide, s => !ReferenceEquals(s, subscription));
            }
        }

        if (closed is not null)
        {
            closed.Cursors.Dispose();
            _ = UnsubscribeQuietlyAsync(closed.Queue);
        }
    }

    private static async Task UnsubscribeQuietlyAsync(ChannelMessageQueue? queue)
    {
        if (queue is null)
        {
            return;
        }

        try
        {
            await queue.UnsubscribeAsync().ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Redis may be down; the subscription ends with the connection anyway.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }
}
