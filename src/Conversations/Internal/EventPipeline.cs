using System.Collections.Concurrent;
using Conversations.Transport;
using Microsoft.Extensions.Logging;

namespace Conversations.Internal;

/// <summary>
/// Publishes events after their change is stored: to the bus, the flow dispatcher and the event handlers.
/// Log events of one conversation leave here in sequence order, although concurrent writes finish in any order.
/// </summary>
/// <remarks>
/// Each log write takes a ticket before it reaches the store. A stored change with sequence s is held until
/// every write that was already under way when s was stored has finished, because only those can hold a
/// smaller sequence; then ready events go out in sequence order. Under constant load the held set keeps
/// moving, so nothing waits on a quiet moment.
/// </remarks>
internal sealed class EventPipeline(
    ConversationEventBus bus,
    FlowDispatcher flows,
    EventHandlerDispatcher handlers,
    ILogger<EventPipeline> logger)
{
    private readonly ConcurrentDictionary<string, Sequencer> _sequencers = new(StringComparer.Ordinal);

    /// <summary>Registers a write to a conversation's log that is about to reach the store.</summary>
    public LogWrite BeginLogWrite(string conversationId)
    {
        while (true)
        {
            var sequencer = _sequencers.GetOrAdd(conversationId, static id => new Sequencer(id));
            if (sequencer.TryBegin(out var ticket))
            {
                return new LogWrite(sequencer, ticket);
            }

            // The sequencer was retired while idle; take a fresh one.
            _sequencers.TryRemove(new KeyValuePair<string, Sequencer>(conversationId, sequencer));
        }
    }

    /// <summary>Finishes a write; <paramref name="stored"/> is its event, or <see langword="null"/> when it stored nothing.</summary>
    public async ValueTask CompleteLogWriteAsync(LogWrite write, MessageLogEvent? stored)
    {
        var sequencer = write.Sequencer;
        if (!sequencer.Complete(write.Ticket, stored, out var drain))
        {
            return;
        }

        // This caller drains the outbox; other completions only add to it meanwhile.
        while (true)
        {
            foreach (var e in drain)
            {
                await PublishNowAsync(e).ConfigureAwait(false);
            }

            if (!sequencer.TryTakeMore(out drain))
            {
                break;
            }
        }

        if (sequencer.TryRetire())
        {
            _sequencers.TryRemove(new KeyValuePair<string, Sequencer>(sequencer.ConversationId, sequencer));
        }
    }

    /// <summary>Publishes an event that is not part of a conversation's log (room events, deltas, typing, read, flow failures).</summary>
    public ValueTask PublishAsync(ConversationEvent conversationEvent) => PublishNowAsync(conversationEvent);

    private async ValueTask PublishNowAsync(ConversationEvent conversationEvent)
    {
        try
        {
            await bus.PublishAsync(conversationEvent, CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The change is stored; a failing bus must not fail the caller. Subscribers catch up from the store.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.PublishFailed(logger, ex, conversationEvent.Type.Value);
        }

        flows.OnEvent(conversationEvent);
        handlers.Enqueue(conversationEvent);
    }

    internal readonly record struct LogWrite(Sequencer Sequencer, long Ticket);

    internal sealed class Sequencer(string conversationId)
    {
        private readonly Lock _gate = new();
        private readonly SortedSet<long> _inFlight = [];
        private readonly List<(long Sequence, long Horizon, MessageLogEvent Event)> _ready = [];
        private readonly List<MessageLogEvent> _outbox = [];
        private long _nextTicket;
        private bool _draining;
        private bool _retired;

        public string ConversationId { get; } = conversationId;

        public bool TryBegin(out long ticket)
        {
            lock (_gate)
            {
                ticket = _nextTicket++;
                if (_retired)
                {
                    return false;
                }

                _inFlight.Add(ticket);
                return true;
            }
        }

        /// <summary>Returns <see langword="true"/> when the caller must drain <paramref name="drain"/> and then call <see cref="TryTakeMore"/>.</summary>
        public bool Complete(long ticket, MessageLogEvent? stored, out List<MessageLogEvent> drain)
        {
            lock (_gate)
            {
                _inFlight.Remove(ticket);
                if (stored is not null)
                {
                    // Every ticket issued before now may still hold a smaller sequence.
                    _ready.Add((stored.Sequence, _nextTicket, stored));
                }

                MoveReadyToOutbox();
                return TakeOutbox(out drain);
            }
        }

        public bool TryTakeMore(out List<MessageLogEvent> drain)
        {
            lock (_gate)
            {
                _draining = false;
                return TakeOutbox(out drain);
            }
        }

        public bool TryRetire()
        {
            lock (_gate)
            {
                if (_draining || _inFlight.Count > 0 || _ready.Count > 0 || _outbox.Count > 0)
                {
                    return false;
                }

                _retired = true;
                return true;
            }
        }

        private bool TakeOutbox(out List<MessageLogEvent> drain)
        {
            if (_draining || _outbox.Count == 0)
            {
                drain = [];
                return false;
            }

            _draining = true;
            drain = [.. _outbox];
            _outbox.Clear();
            return true;
        }

        private void MoveReadyToOutbox()
        {
            if (_ready.Count == 0)
            {
                return;
            }

            _ready.Sort(static (a, b) => a.Sequence.CompareTo(b.Sequence));
            var oldestInFlight = _inFlight.Count == 0 ? long.MaxValue : _inFlight.Min;
            var released = 0;
            while (released < _ready.Count && _ready[released].Horizon <= oldestInFlight)
            {
                _outbox.Add(_ready[released].Event);
                released++;
            }

            _ready.RemoveRange(0, released);
        }
    }
}
