namespace Conversations.Testing;

/// <summary>
/// A scriptable <see cref="IFlowEngine"/> for tests: records every trigger it receives and answers with the
/// behaviour you give it (reply, stream, throw, or any delegate).
/// </summary>
/// <remarks>Thread-safe: the engine may run flows of different conversations in parallel.</remarks>
public sealed class FakeFlowEngine : IFlowEngine
{
    private readonly Lock _gate = new();
    private readonly List<FlowTrigger> _triggers = [];
    private readonly List<(Func<FlowTrigger, bool> Match, TaskCompletionSource Signal)> _waiters = [];
    private Func<FlowContext, CancellationToken, ValueTask> _behavior = static (_, _) => default;

    /// <summary>Gets a copy of the triggers received so far, in the order the flows started.</summary>
    /// <returns>The triggers.</returns>
    public IReadOnlyList<FlowTrigger> GetTriggers()
    {
        lock (_gate)
        {
            return _triggers.ToArray();
        }
    }

    /// <summary>Sets what the flow does on each trigger.</summary>
    /// <param name="behavior">The behaviour; it runs after the trigger is recorded.</param>
    /// <returns>This engine.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="behavior"/> is <see langword="null"/>.</exception>
    public FakeFlowEngine OnTrigger(Func<FlowContext, CancellationToken, ValueTask> behavior)
    {
        ArgumentNullException.ThrowIfNull(behavior);
        _behavior = behavior;
        return this;
    }

    /// <summary>Answers every trigger with a reply made from it.</summary>
    /// <param name="reply">Makes the reply's text from the trigger.</param>
    /// <returns>This engine.</returns>
    public FakeFlowEngine ReplyWith(Func<FlowTrigger, string> reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        return OnTrigger(async (context, ct) => await context.ReplyAsync(reply(context.Trigger), ct).ConfigureAwait(false));
    }

    /// <summary>Answers every trigger by streaming the given chunks.</summary>
    /// <param name="chunks">The chunks of the reply.</param>
    /// <returns>This engine.</returns>
    public FakeFlowEngine StreamReply(params string[] chunks)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        return OnTrigger(async (context, ct) => await context.StreamReplyAsync(chunks.ToAsyncEnumerable(), cancellationToken: ct).ConfigureAwait(false));
    }

    /// <summary>Throws from every flow run.</summary>
    /// <param name="exception">Makes the exception to throw.</param>
    /// <returns>This engine.</returns>
    public FakeFlowEngine Throw(Func<Exception> exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return OnTrigger((_, _) => throw exception());
    }

    /// <summary>Waits until a trigger matching <paramref name="predicate"/> has been received (including earlier ones).</summary>
    /// <param name="predicate">The trigger to wait for.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>A task that completes when such a trigger arrived.</returns>
    public Task WaitForTriggerAsync(Func<FlowTrigger, bool> predicate, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        lock (_gate)
        {
            if (_triggers.Exists(t => predicate(t)))
            {
                return Task.CompletedTask;
            }

            var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((predicate, signal));
            return signal.Task.WaitAsync(cancellationToken);
        }
    }

    /// <inheritdoc />
    public ValueTask RunAsync(FlowContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        lock (_gate)
        {
            _triggers.Add(context.Trigger);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Match(context.Trigger))
                {
                    _waiters[i].Signal.TrySetResult();
                    _waiters.RemoveAt(i);
                }
            }
        }

        return _behavior(context, cancellationToken);
    }
}
