using Conversations.Transport;
using Microsoft.Extensions.Logging;

namespace Conversations.Internal;

/// <summary>
/// The engine's own subscription to the bus, for everything that is not a client: it rings the flow dispatcher on posts
/// that recorded triggers (from any engine), mirrors other engines' streams for mid-stream snapshots, and feeds the event
/// handlers. It only hands items on, so it keeps up with the bus.
/// </summary>
internal sealed class EngineEventListener(
    ConversationEventBus bus,
    EngineCore core,
    FlowDispatcher flows,
    StreamRegistry streams,
    EventHandlerDispatcher handlers,
    MessageService messages,
    ILogger<EngineEventListener> logger) : IAsyncDisposable, IDisposable
{
    private EventBusSubscription? _subscription;
    private Task? _loop;

    /// <summary>Subscribes; completes once the subscription is live.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var capacity = Math.Max(core.Options.EventHandlerQueueCapacity, core.Options.SubscriberBufferCapacity);
        _subscription = await bus.SubscribeAsync(EventBusFilter.All, capacity, cancellationToken).ConfigureAwait(false);
        _loop = Task.Run(LoopAsync, CancellationToken.None);
    }

    public async Task StopAsync()
    {
        _subscription?.Dispose();
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    public void Dispose() => _subscription?.Dispose();

    private async Task LoopAsync()
    {
        var reader = _subscription!.Reader;
        try
        {
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (reader.TryRead(out var item))
                {
                    Dispatch(item);
                }
            }
        }
#pragma warning disable CA1031 // The bus failed: nothing more arrives, and the poll still finds triggers.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.ListenerFailed(logger, ex);
        }
    }

    /// <summary>Stop requests for streams this engine writes; regenerations (a delete that may owe a run) ring the dispatcher.</summary>
    private void ReplyControls(ConversationEvent e)
    {
        switch (e)
        {
            case MessageStopRequestedEvent stop:
                _ = messages.StopFromBusAsync(stop);
                break;
            case MessageDeletedEvent:
                flows.Signal();
                break;
        }
    }

    private void Dispatch(in EventBusItem item)
    {
        switch (item.Kind)
        {
            case EventBusItemKind.Overflow:
                // Anything may have been missed: look for triggers, forget mirrors that may lack deltas and participations
                // that may have changed.
                flows.Signal();
                streams.DropMirrors();
                core.Participants.Clear();
                handlers.Offer(item);
                break;
            case EventBusItemKind.CatchUp:
                flows.Signal();
                handlers.Offer(item);
                break;
            default:
                var e = item.Event!;
                ReplyControls(e);
                switch (e)
                {
                    case MessagePostedEvent { TriggerCount: > 0 } posted:
                        // This engine's own writes rang already: the dispatcher rings once per write.
                        flows.Ring(posted.ConversationId, posted.Sequence);
                        break;
                    case ConversationCreatedEvent created:
                        flows.Ring(created.ConversationId, 0);
                        break;
                    case MessageDeltaEvent delta:
                        streams.Observe(delta);
                        break;
                    case ParticipantUpdatedEvent updated:
                        core.Participants.Invalidate(updated.RoomId, updated.Participant.AccountId);
                        break;
                    case ParticipantRemovedEvent removed:
                        core.Participants.Invalidate(removed.RoomId, removed.AccountId);
                        break;
                    case MessageLogEvent { Message.Status: not MessageStatus.Streaming } ended when e is not MessagePostedEvent:
                        streams.Remove(ended.Message.Id);
                        break;
                }

                handlers.Offer(item);
                break;
        }
    }
}
