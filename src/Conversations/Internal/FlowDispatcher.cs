using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Conversations.Internal;

/// <summary>
/// Turns conversation-created and message-posted events into flow triggers for the room's auto-respond
/// agents ("start or continue"), and runs them: one at a time per (conversation, agent), in sequence order;
/// different pairs in parallel, up to <see cref="ConversationsOptions.MaxConcurrentFlows"/>.
/// </summary>
internal sealed class FlowDispatcher : IAsyncDisposable, IDisposable
{
    private readonly IServiceProvider _services;
    private readonly EngineCore _core;
    private readonly ILogger _logger;
    private readonly KeyedSerialQueue<ConversationEvent> _routing;
    private readonly KeyedSerialQueue<FlowTrigger> _runs;
    private readonly SemaphoreSlim _concurrency;
    private readonly CancellationTokenSource _shutdown = new();
    private volatile bool _stopping;

    public FlowDispatcher(IServiceProvider services, EngineCore core, ILogger<FlowDispatcher> logger)
    {
        _services = services;
        _core = core;
        _logger = logger;
        _concurrency = new SemaphoreSlim(core.Options.MaxConcurrentFlows);
        _routing = new KeyedSerialQueue<ConversationEvent>(RouteAsync, int.MaxValue);
        _runs = new KeyedSerialQueue<FlowTrigger>(RunAsync, core.Options.MaxPendingTriggersPerAgent);
    }

    /// <summary>Called in publish order (sequence order per conversation); must not block.</summary>
    public void OnEvent(ConversationEvent conversationEvent)
    {
        if (_stopping || conversationEvent is not (MessagePostedEvent or ConversationCreatedEvent) || conversationEvent.ConversationId is null)
        {
            return;
        }

        _routing.TryEnqueue(conversationEvent.ConversationId, conversationEvent, out _);
    }

    /// <summary>Stops taking triggers, lets queued and running flows finish until <paramref name="cancellationToken"/> fires, then cancels them.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        try
        {
            await _routing.WhenIdleAsync(cancellationToken).ConfigureAwait(false);
            await _runs.WhenIdleAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await _shutdown.CancelAsync().ConfigureAwait(false);
            await _routing.WhenIdleAsync(CancellationToken.None).ConfigureAwait(false);
            await _runs.WhenIdleAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Completes when no trigger is queued or running. For tests and hosts that want to wait for agents to settle.</summary>
    public async Task WhenIdleAsync(CancellationToken cancellationToken)
    {
        // Routing feeds runs, and runs may post messages that feed routing again: wait until both are quiet together.
        do
        {
            await _routing.WhenIdleAsync(cancellationToken).ConfigureAwait(false);
            await _runs.WhenIdleAsync(cancellationToken).ConfigureAwait(false);
        }
        while (!_routing.IsIdle || !_runs.IsIdle);
    }

    public async ValueTask DisposeAsync()
    {
        _stopping = true;
        await _shutdown.CancelAsync().ConfigureAwait(false);
        await _routing.WhenIdleAsync(CancellationToken.None).ConfigureAwait(false);
        await _runs.WhenIdleAsync(CancellationToken.None).ConfigureAwait(false);
        _shutdown.Dispose();
        _concurrency.Dispose();
    }

    public void Dispose()
    {
        // A container disposed synchronously cannot wait for flows; ask them to stop and leave.
        _stopping = true;
        _shutdown.Cancel();
    }

    private async Task RouteAsync(string conversationId, ConversationEvent conversationEvent)
    {
        try
        {
            var (conversation, message, depth) = conversationEvent switch
            {
                MessagePostedEvent posted => (await _core.Store.GetConversationAsync(conversationId, _shutdown.Token).ConfigureAwait(false), posted.Message, posted.ChainDepth),
                ConversationCreatedEvent created => (created.Conversation, (Message?)null, 0),
                _ => (null, null, 0),
            };
            if (conversation is null)
            {
                return;
            }

            if (depth > _core.Options.MaxAgentChainDepth)
            {
                Log.ChainDepthReached(_logger, conversationId, message?.Sequence ?? 0, depth, _core.Options.MaxAgentChainDepth);
                return;
            }

            var participants = await _core.Store.GetParticipantsAsync(conversation.RoomId, _shutdown.Token).ConfigureAwait(false);
            foreach (var agent in participants)
            {
                if (agent.Kind != AccountKind.Agent || !agent.AutoRespond
                    || string.Equals(agent.AccountId, conversationEvent.ActorId, StringComparison.Ordinal)
                    || (message is not null && string.Equals(agent.AccountId, message.SenderId, StringComparison.Ordinal)))
                {
                    continue;
                }

                var trigger = new FlowTrigger
                {
                    Kind = message is null ? FlowTriggerKind.ConversationCreated : FlowTriggerKind.MessagePosted,
                    Agent = agent,
                    RoomId = conversation.RoomId,
                    Conversation = conversation,
                    Message = message,
                    ChainDepth = depth,
                };
                if (!_runs.TryEnqueue(conversationId + "\n" + agent.AccountId, trigger, out var pending))
                {
                    Log.TriggerDropped(_logger, agent.AccountId, conversationId, pending);
                    await ReportFailureAsync(trigger, "limit_exceeded", "The agent has too many triggers waiting; this one was dropped.").ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (_shutdown.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // Routing failures are logged; they must not stop later events.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.RoutingFailed(_logger, ex, conversationId);
        }
    }

    private async Task RunAsync(string key, FlowTrigger trigger)
    {
        var agentId = trigger.Agent.AccountId;
        IFlowEngine? engine;
        try
        {
            engine = _services.GetKeyedService<IFlowEngine>(agentId) ?? _services.GetService<IFlowEngine>();
        }
#pragma warning disable CA1031 // An engine that cannot be built is a failed flow: logged and reported like any other.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.FlowFailed(_logger, ex, agentId, trigger.Conversation.Id, trigger.Sequence);
            ConversationsDiagnostics.FlowRunsCounter.Add(1, new KeyValuePair<string, object?>("outcome", "failed"));
            await ReportFailureAsync(trigger, ConversationsErrorCode.Internal.Value, "The agent is not available.").ConfigureAwait(false);
            return;
        }

        if (engine is null)
        {
            Log.NoFlowEngine(_logger, agentId);
            return;
        }

        await _concurrency.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        using var activity = ConversationsDiagnostics.ActivitySource.StartActivity("conversations.flow");
        activity?.SetTag("conversations.agent_id", agentId);
        activity?.SetTag("conversations.conversation_id", trigger.Conversation.Id);
        var outcome = "completed";
        using var timeout = _core.Options.FlowTimeout is { } limit
            ? new CancellationTokenSource(limit, _core.Time)
            : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, _shutdown.Token);
        try
        {
            var context = new EngineFlowContext(trigger, _services, _services.GetRequiredService<MessageService>(), _core);
            await engine.RunAsync(context, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !_shutdown.IsCancellationRequested)
        {
            outcome = "timeout";
            Log.FlowTimedOut(_logger, agentId, trigger.Conversation.Id, trigger.Sequence, _core.Options.FlowTimeout!.Value);
            await ReportFailureAsync(trigger, "timeout", "The agent did not answer in time.").ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_shutdown.IsCancellationRequested)
        {
            // The host is stopping; the flow was asked to stop.
            outcome = "cancelled";
        }
#pragma warning disable CA1031 // A failing flow is logged and reported; it never stops other triggers.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            outcome = "failed";
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error);
            Log.FlowFailed(_logger, ex, agentId, trigger.Conversation.Id, trigger.Sequence);
            var code = ex is ConversationsException ce ? ce.Code.Value : ConversationsErrorCode.Internal.Value;
            await ReportFailureAsync(trigger, code, "The agent failed to answer.").ConfigureAwait(false);
        }
        finally
        {
            ConversationsDiagnostics.FlowRunsCounter.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
            _concurrency.Release();
        }
    }

    private async Task ReportFailureAsync(FlowTrigger trigger, string code, string description)
    {
        var pipeline = _services.GetRequiredService<EventPipeline>();
        await pipeline.PublishAsync(new FlowFailedEvent
        {
            RoomId = trigger.RoomId,
            ConversationId = trigger.Conversation.Id,
            ActorId = trigger.Agent.AccountId,
            Timestamp = _core.Now,
            AgentId = trigger.Agent.AccountId,
            TriggerSequence = trigger.Sequence,
            ErrorCode = code,
            ErrorMessage = description,
        }).ConfigureAwait(false);
    }
}
