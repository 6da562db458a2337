using System.Diagnostics;
using Conversations.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Conversations.Internal;

internal sealed partial class FlowDispatcher
{
    private async Task RunAsync(Run run)
    {
        var record = run.Record;
        TriggerCompletion completion;
        try
        {
            completion = await AttemptAsync(run).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Reading the trigger's context failed (the store is down): retry later like any failure.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.FlowFailed(_logger, ex, record.AgentId, record.ConversationId, record.Sequence);
            completion = await FailAsync(record, ConversationsErrorCode.Unavailable.Value).ConfigureAwait(false);
        }

        try
        {
            if (run.LeaseLost)
            {
                // Another engine holds the trigger; its attempt decides.
            }
            else if (!await _core.Store.CompleteTriggerAsync(record.Key, run.Owner, completion, CancellationToken.None).ConfigureAwait(false))
            {
                Log.TriggerLeaseLost(_logger, record.AgentId, record.ConversationId, record.Sequence);
            }
            else if (completion.Outcome == TriggerOutcome.Dead)
            {
                ReportDead(record, completion.Error ?? ConversationsErrorCode.Internal.Value);
            }
        }
#pragma warning disable CA1031 // The lease ends on its own and another attempt follows: at-least-once.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.TriggerCompletionFailed(_logger, ex, record.AgentId, record.ConversationId, record.Sequence);
        }
        finally
        {
            bool again;
            lock (_gate)
            {
                // A later claim of the same trigger may have replaced this run meanwhile.
                if (_running.TryGetValue(record.Key, out var current) && ReferenceEquals(current, run))
                {
                    _running.Remove(record.Key);
                }

                // Skip the next claim pass only when nothing can be waiting for this run: the last ring of its conversation
                // was for this very trigger (so no later post rang there) and no claim pass ran since the one that claimed
                // it (every ring, poll and full pass starts one). A trigger this engine never heard ring — found by the
                // poll or at start, where more of its lane may wait — always looks again.
                again = _passes != run.Pass || !_rung.TryGetValue(record.ConversationId, out var rung) || rung != record.Sequence;
            }

            if (again)
            {
                Signal();
            }

            Done();
        }
    }

    /// <summary>Runs one attempt and says how the trigger ends.</summary>
    private async Task<TriggerCompletion> AttemptAsync(Run run)
    {
        var record = run.Record;
        var store = _core.Store;
        var token = _cancelRuns.Token;

        if (record.Attempts > _core.Options.MaxFlowAttempts)
        {
            // Earlier attempts died with their process (each claim counts one): give up as after any last failure.
            return await FailAsync(record, "internal").ConfigureAwait(false);
        }

        // Conversations never move or go away: the engine's copy serves (its LastSequence may be behind, as documented).
        Conversation? conversation;
        try
        {
            conversation = await _core.GetKnownConversationAsync(record.ConversationId, token).ConfigureAwait(false);
        }
        catch (NotFoundException)
        {
            conversation = null;
        }

        var agent = conversation is null ? null : await _core.GetParticipantAsync(conversation.RoomId, record.AgentId, token).ConfigureAwait(false);
        if (conversation is null || agent is null || agent.Kind != AccountKind.Agent || !agent.AutoRespond)
        {
            Log.TriggerSkipped(_logger, record.AgentId, record.ConversationId, record.Sequence, "the agent no longer auto-responds in this room");
            return Finished;
        }

        Message? message = null;
        string? replaced = null;
        if (record.Kind is FlowTriggerKind.MessagePosted or FlowTriggerKind.Regenerate)
        {
            message = record.MessageId is { } messageId ? await store.GetMessageAsync(record.ConversationId, messageId, token).ConfigureAwait(false) : null;
            if (message is not null)
            {
                // The reply names it: no second read to check that it exists.
                _core.RememberMessage(message.ConversationId, message.Id);
            }

            if (message is null || message.IsDeleted)
            {
                Log.TriggerSkipped(_logger, record.AgentId, record.ConversationId, record.Sequence, "the message was deleted");
                return Finished;
            }

            if (record.Kind == FlowTriggerKind.Regenerate)
            {
                // The trigger is keyed by the sequence of the delete that replaced the earlier reply.
                var entries = await store.ReadLogAsync(record.ConversationId, record.Sequence - 1, 1, token).ConfigureAwait(false);
                replaced = entries.Count == 1 && entries[0].Sequence == record.Sequence ? entries[0].Message.Id : null;
            }
        }

        IFlowEngine? engine;
        try
        {
            engine = _services.GetKeyedService<IFlowEngine>(record.AgentId) ?? _services.GetService<IFlowEngine>();
        }
#pragma warning disable CA1031 // An engine that cannot be built is a failed attempt: logged, retried, then reported.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.FlowFailed(_logger, ex, record.AgentId, record.ConversationId, record.Sequence);
            return await FailAsync(record, ConversationsErrorCode.Internal.Value).ConfigureAwait(false);
        }

        if (engine is null)
        {
            Log.NoFlowEngine(_logger, record.AgentId);
            return Finished;
        }

        var trigger = new FlowTrigger
        {
            Kind = record.Kind,
            Agent = agent,
            RoomId = conversation.RoomId,
            Conversation = conversation,
            Message = message,
            ChainDepth = record.ChainDepth,
            Attempt = record.Attempts,
            ReplacedMessageId = replaced,
        };
        return await RunFlowAsync(run, engine, trigger).ConfigureAwait(false);
    }

    private async Task<TriggerCompletion> RunFlowAsync(Run run, IFlowEngine engine, FlowTrigger trigger)
    {
        var record = run.Record;
        // A child of the write that recorded the trigger when it was traced in this process; a trace of its own otherwise.
        using var activity = ConversationsDiagnostics.ActivitySource.StartActivity(
            ConversationsDiagnostics.FlowSpanName, ActivityKind.Consumer, FlowTraceContexts.Find(record));
        activity?.SetTag("conversations.agent_id", record.AgentId);
        activity?.SetTag(ConversationsDiagnostics.ConversationIdTag, record.ConversationId);
        activity?.SetTag("messaging.system", "conversations");
        activity?.SetTag("messaging.operation.type", "process");
        activity?.SetTag("messaging.destination.name", record.ConversationId);
        activity?.SetTag("conversations.trigger_sequence", record.Sequence);
        activity?.SetTag("conversations.attempt", record.Attempts);
        var started = _core.Time.GetTimestamp();
        var outcome = "completed";
        using var timeout = _core.Options.FlowTimeout is { } limit ? new CancellationTokenSource(limit, _core.Time) : new CancellationTokenSource();
        using var lost = new CancellationTokenSource();
        using var stopped = new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, lost.Token, stopped.Token, _cancelRuns.Token);
        var renewEvery = _core.Options.FlowLeaseDuration / 3;
        await using var renewal = _core.Time.CreateTimer(_ => _ = RenewAsync(run, lost), null, renewEvery, renewEvery).ConfigureAwait(false);
        try
        {
            var context = new EngineFlowContext(trigger, record.Sequence, () => CancelQuietly(stopped), _services, _services.GetRequiredService<MessageService>(), _core);
            await engine.RunAsync(context, linked.Token).ConfigureAwait(false);
            return Finished;
        }
#pragma warning disable CA1031 // A participant stopped the reply: whatever the flow threw on its way out, the trigger is done, never retried.
        catch (Exception) when (stopped.IsCancellationRequested)
#pragma warning restore CA1031
        {
            outcome = "stopped";
            Log.FlowStopped(_logger, record.AgentId, record.ConversationId, record.Sequence);
            return Finished;
        }
        catch (OperationCanceledException) when (lost.IsCancellationRequested)
        {
            // Another engine holds the trigger now and will run it; this attempt ends quietly.
            outcome = "lease_lost";
            run.LeaseLost = true;
            return Finished;
        }
        catch (OperationCanceledException) when (_cancelRuns.IsCancellationRequested)
        {
            // The host is stopping: release the trigger, uncounted, for another engine or the next start.
            outcome = "cancelled";
            return new TriggerCompletion { Outcome = TriggerOutcome.Release, NextAttemptAt = _core.Now };
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            outcome = "timeout";
            activity?.SetStatus(ActivityStatusCode.Error);
            activity?.SetTag(ConversationsDiagnostics.ErrorTypeTag, "timeout");
            Log.FlowTimedOut(_logger, record.AgentId, record.ConversationId, record.Sequence, _core.Options.FlowTimeout!.Value);
            return await FailAsync(record, "timeout").ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A failing flow is logged, retried and reported; it never stops other triggers.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            outcome = "failed";
            activity?.SetStatus(ActivityStatusCode.Error);
            activity?.SetTag(ConversationsDiagnostics.ErrorTypeTag, ex is ConversationsException code ? code.Code.Value : ex.GetType().FullName);
            Log.FlowFailed(_logger, ex, record.AgentId, record.ConversationId, record.Sequence);
            return await FailAsync(record, ex is ConversationsException ce ? ce.Code.Value : ConversationsErrorCode.Internal.Value).ConfigureAwait(false);
        }
        finally
        {
            activity?.SetTag("conversations.flow.outcome", outcome);
            ConversationsDiagnostics.FlowRunsCounter.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
            ConversationsDiagnostics.FlowDurationHistogram.Record(_core.Time.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("outcome", outcome));
        }
    }

    private static void CancelQuietly(CancellationTokenSource source)
    {
        try
        {
            source.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The run ended meanwhile.
        }
    }

    private async Task RenewAsync(Run run, CancellationTokenSource lost)
    {
        try
        {
            var record = run.Record;
            var renewed = await _core.Store.RenewTriggerLeaseAsync(record.Key, run.Owner, _core.Now + _core.Options.FlowLeaseDuration, CancellationToken.None).ConfigureAwait(false);
            if (!renewed && !lost.IsCancellationRequested)
            {
                Log.TriggerLeaseLost(_logger, record.AgentId, record.ConversationId, record.Sequence);
                await lost.CancelAsync().ConfigureAwait(false);
            }
        }
        catch (ObjectDisposedException)
        {
            // The run ended meanwhile.
        }
#pragma warning disable CA1031 // A renewal that fails is tried again at the next tick; the lease outlasts two misses.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.TriggerRenewalFailed(_logger, ex, run.Record.AgentId, run.Record.ConversationId);
        }
    }

    /// <summary>A failed attempt: retry after a backoff, or, after the last allowed one, report it once and move on.</summary>
    private ValueTask<TriggerCompletion> FailAsync(FlowTriggerRecord record, string code)
    {
        if (record.Attempts < _core.Options.MaxFlowAttempts)
        {
            var delay = Backoff(record.Attempts);
            Log.FlowRetrying(_logger, record.AgentId, record.ConversationId, record.Sequence, record.Attempts, delay);
            return new(new TriggerCompletion { Outcome = TriggerOutcome.Retry, NextAttemptAt = _core.Now + delay, Error = code });
        }

        return new(new TriggerCompletion { Outcome = TriggerOutcome.Dead, Error = code });
    }

    /// <summary>Reports a trigger given up, once: after the store recorded it dead.</summary>
    private void ReportDead(FlowTriggerRecord record, string code)
    {
        Log.FlowGivenUp(_logger, record.AgentId, record.ConversationId, record.Sequence, record.Attempts, code);
        _publisher.Publish(new FlowFailedEvent
        {
            RoomId = record.RoomId,
            ConversationId = record.ConversationId,
            ActorId = record.AgentId,
            Timestamp = _core.Now,
            AgentId = record.AgentId,
            TriggerSequence = record.Sequence,
            ErrorCode = code,
            ErrorMessage = code == "timeout" ? "The agent did not answer in time." : "The agent failed to answer.",
            Attempts = Math.Min(record.Attempts, _core.Options.MaxFlowAttempts),
        });
    }

    private TimeSpan Backoff(int attempts)
    {
        var delay = _core.Options.FlowRetryDelay * Math.Pow(2, Math.Min(attempts - 1, 20));
        return delay < _core.Options.FlowRetryMaxDelay ? delay : _core.Options.FlowRetryMaxDelay;
    }

    private static TriggerCompletion Finished { get; } = new() { Outcome = TriggerOutcome.Done };
}
