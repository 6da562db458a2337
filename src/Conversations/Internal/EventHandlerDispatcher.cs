using System.Threading.Channels;
using Conversations.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Conversations.Internal;

/// <summary>
/// Pushes events to the registered <see cref="IConversationEventHandler"/>s, fed from the bus — so handlers see every
/// engine's changes that reach this one — with log events delivered once per conversation in sequence order.
/// </summary>
/// <remarks>
/// <para>
/// A conversation is followed from the first the engine hears of it: from its start when that is its creation, else from
/// the first log event that arrives. Engines publish independently, so a later log event can reach the bus ahead of an
/// earlier one of another engine (a worker's reply ahead of the post it answers); the gap is read from the store.
/// </para>
/// <para>
/// Two bounded queues of <see cref="ConversationsOptions.EventHandlerQueueCapacity"/> items, served together in arrival
/// order: log events (with conversation-created events and catch-up doorbells), and live events. When the log queue is
/// full, new log events are dropped and their conversations are owed a catch-up: once both queues are empty, the handlers
/// read each such conversation from the store after the last sequence they got (or at its next event, if that comes
/// first). An overflow of the engine's bus subscription owes every followed conversation a catch-up. When the live queue
/// is full, the oldest live event is dropped — so a flood of deltas never costs a log event. Handlers run one event at a
/// time.
/// </para>
/// </remarks>
internal sealed class EventHandlerDispatcher : IDisposable
{
    private const int MaxTrackedConversations = 100_000;
    private const int CatchUpPageSize = 256;

    private readonly IConversationEventHandler[] _handlers;
    private readonly EngineCore _core;
    private readonly Channel<(long Arrival, EventBusItem Item)> _log;
    private readonly Channel<(long Arrival, ConversationEvent Event)> _live;
    private readonly Dictionary<string, long> _cursors = new(StringComparer.Ordinal);
    private readonly Lock _owedGate = new();
    private Dictionary<string, long> _owed = new(StringComparer.Ordinal);
    private bool _overflowed;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ILogger _logger;
    private Task? _loop;
    private long _arrivals;

    public EventHandlerDispatcher(IEnumerable<IConversationEventHandler> handlers, EngineCore core, IOptions<ConversationsOptions> options, ILogger<EventHandlerDispatcher> logger)
    {
        _handlers = handlers.ToArray();
        _core = core;
        _logger = logger;
        var capacity = options.Value.EventHandlerQueueCapacity;
        _log = Channel.CreateBounded<(long Arrival, EventBusItem Item)>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true, SingleWriter = true },
            dropped => Owe(dropped.Item));
        _live = Channel.CreateBounded<(long, ConversationEvent)>(new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = true });
    }

    public bool HasHandlers => _handlers.Length > 0;

    public void Start()
    {
        if (HasHandlers)
        {
            _loop = Task.Run(LoopAsync);
        }
    }

    /// <summary>Takes an item from the engine's bus listener; never blocks.</summary>
    public void Offer(in EventBusItem item)
    {
        if (!HasHandlers || _stopping.IsCancellationRequested)
        {
            return;
        }

        var arrival = _arrivals++;
        switch (item.Kind)
        {
            case EventBusItemKind.CatchUp:
            case EventBusItemKind.Event when item.Event is MessageLogEvent or ConversationCreatedEvent:
                // A full queue hands the item to Owe (the channel's drop callback): it is read from the store later.
                _log.Writer.TryWrite((arrival, item));
                break;
            case EventBusItemKind.Event:
                _live.Writer.TryWrite((arrival, item.Event!));
                break;
            default:
                // The bus dropped events of any conversation: every followed one is read from the store once the queues
                // empty. The marker itself only wakes the loop.
                Log.HandlerBusOverflowed(_logger);
                lock (_owedGate)
                {
                    _overflowed = true;
                }

                _log.Writer.TryWrite((arrival, item));
                break;
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _log.Writer.TryComplete();
        _live.Writer.TryComplete();
        if (_loop is not null)
        {
            try
            {
                await _loop.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
    }

    public void Dispose() => _stopping.Dispose();

    private async Task LoopAsync()
    {
        var token = _stopping.Token;
        Task<bool>? logWait = null, liveWait = null;
        while (!token.IsCancellationRequested)
        {
            var hasLog = _log.Reader.TryPeek(out var log);
            var hasLive = _live.Reader.TryPeek(out var live);
            if (hasLog && (!hasLive || log.Arrival < live.Arrival))
            {
                _log.Reader.TryRead(out _);
                await ProcessLogAsync(log.Item, token).ConfigureAwait(false);
            }
            else if (hasLive)
            {
                _live.Reader.TryRead(out _);
                await DeliverAsync(live.Event, token).ConfigureAwait(false);
            }
            else if (TakeOwed() is { } owed)
            {
                // Both queues are empty: read what was dropped from the store.
                foreach (var (conversationId, from) in owed)
                {
                    if (!_cursors.TryGetValue(conversationId, out var cursor))
                    {
                        cursor = Math.Max(0, from - 1);
                        Track(conversationId, cursor);
                    }

                    await CatchUpAsync(conversationId, cursor, token).ConfigureAwait(false);
                }
            }
            else
            {
                // One pending wait per queue at a time, kept across turns, so waiting never piles up waiters.
                logWait ??= _log.Reader.WaitToReadAsync(token).AsTask();
                liveWait ??= _live.Reader.WaitToReadAsync(token).AsTask();
                await Task.WhenAny(logWait, liveWait).ConfigureAwait(false);
                logWait = logWait.IsCompleted ? null : logWait;
                liveWait = liveWait.IsCompleted ? null : liveWait;
                if (_log.Reader.Completion.IsCompleted && _live.Reader.Completion.IsCompleted)
                {
                    return;
                }
            }
        }
    }

    private async Task ProcessLogAsync(EventBusItem item, CancellationToken cancellationToken)
    {
        if (item.ConversationId is not { } conversationId)
        {
            // An overflow marker: what it owes is read once the queues are empty.
            return;
        }

        var sequence = item.Sequence;
        if (item.Event is ConversationCreatedEvent created)
        {
            // Created while this engine runs: its whole log is news. Following it from 0 means a first log event that
            // overtook an earlier one on the bus opens a gap that is read from the store, rather than a start after it.
            if (!_cursors.ContainsKey(conversationId))
            {
                Track(conversationId, 0);
            }

            await DeliverAsync(created, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (!_cursors.TryGetValue(conversationId, out var cursor))
        {
            // First sight of a conversation older than what this engine has heard: start here.
            cursor = Math.Max(0, sequence - 1);
            Track(conversationId, cursor);
        }

        if (sequence != 0 && sequence <= cursor)
        {
            return;
        }

        if (item.Event is MessageLogEvent logged && sequence == cursor + 1)
        {
            _cursors[conversationId] = sequence;
            await DeliverAsync(logged, cancellationToken).ConfigureAwait(false);
            return;
        }

        // A gap (dropped or reordered doorbells) or a bare doorbell: the store has everything after the cursor.
        await CatchUpAsync(conversationId, cursor, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Delivers the conversation's log entries after <paramref name="cursor"/> from the store.</summary>
    private async Task CatchUpAsync(string conversationId, long cursor, CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var entries = await _core.Store.ReadLogAsync(conversationId, cursor, CatchUpPageSize, cancellationToken).ConfigureAwait(false);
                foreach (var entry in entries)
                {
                    cursor = entry.Sequence;
                    _cursors[conversationId] = cursor;
                    await DeliverAsync(LogEvents.From(entry), cancellationToken).ConfigureAwait(false);
                }

                if (entries.Count < CatchUpPageSize)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // The store is unreachable: the next event of this conversation tries again from the same cursor.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.HandlerCatchUpFailed(_logger, ex, conversationId);
        }
    }

    /// <summary>Called by the log queue for an item it dropped (on the listener's thread).</summary>
    private void Owe(in EventBusItem item)
    {
        if (item.ConversationId is not { } conversationId)
        {
            return;
        }

        ConversationsDiagnostics.HandlerEventsDroppedCounter.Add(1);

        // A created event's conversation is owed from its start; a log event or doorbell from its own sequence.
        var from = Math.Max(1, item.Sequence);
        bool first;
        lock (_owedGate)
        {
            first = !_owed.TryGetValue(conversationId, out var owedFrom);
            if (first && _owed.Count >= MaxTrackedConversations)
            {
                // Past the bound, the conversation's next event still opens the gap.
                return;
            }

            _owed[conversationId] = first ? from : Math.Min(owedFrom, from);
        }

        if (first)
        {
            Log.HandlerEventDropped(_logger, _core.Options.EventHandlerQueueCapacity, item.Event?.Type.Value ?? "a catch-up doorbell", conversationId);
        }
    }

    /// <summary>Takes the conversations owed a catch-up (each from the sequence it is owed from); on the loop.</summary>
    private Dictionary<string, long>? TakeOwed()
    {
        Dictionary<string, long> owed;
        bool overflowed;
        lock (_owedGate)
        {
            if (_owed.Count == 0 && !_overflowed)
            {
                return null;
            }

            (owed, overflowed) = (_owed, _overflowed);
            (_owed, _overflowed) = (new(StringComparer.Ordinal), false);
        }

        if (overflowed)
        {
            // Every followed conversation may have lost events: read each after its cursor.
            foreach (var (conversationId, cursor) in _cursors)
            {
                owed.TryAdd(conversationId, cursor + 1);
            }
        }

        return owed;
    }

    private void Track(string conversationId, long cursor)
    {
        if (_cursors.Count >= MaxTrackedConversations)
        {
            _cursors.Clear();
        }

        _cursors[conversationId] = cursor;
    }

    private async Task DeliverAsync(ConversationEvent conversationEvent, CancellationToken cancellationToken)
    {
        foreach (var handler in _handlers)
        {
            try
            {
                await handler.HandleAsync(conversationEvent, cancellationToken).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // A handler's failure is logged and never reaches the publisher or other handlers.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Log.HandlerFailed(_logger, ex, handler.GetType().Name, conversationEvent.Type.Value);
            }
        }
    }
}
