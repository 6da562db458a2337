using Conversations.Transport;

namespace Conversations.Testing;

/// <summary>
/// Collects every event published on a <see cref="ConversationEventBus"/> from the moment it is created, for
/// assertions. Unbounded: meant for tests, not production.
/// </summary>
/// <remarks>Thread-safe.</remarks>
public sealed class ConversationEventCollector : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly List<ConversationEvent> _events = [];
    private readonly List<(Func<ConversationEvent, bool> Match, TaskCompletionSource<ConversationEvent> Signal)> _waiters = [];
    private readonly EventBusSubscription _subscription;
    private readonly Task _pump;

    private ConversationEventCollector(EventBusSubscription subscription)
    {
        _subscription = subscription;
        _pump = Task.Run(PumpAsync);
    }

    /// <summary>Subscribes to <paramref name="bus"/> and starts collecting once the subscription is live.</summary>
    /// <param name="bus">The bus to listen to.</param>
    /// <param name="filter">Which events to collect; <see langword="null"/> for all.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The collector, collecting every event published from now on.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="bus"/> is <see langword="null"/>.</exception>
    public static async Task<ConversationEventCollector> StartAsync(ConversationEventBus bus, EventBusFilter? filter = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bus);
        var subscription = await bus.SubscribeAsync(filter ?? EventBusFilter.All, int.MaxValue, cancellationToken).ConfigureAwait(false);
        return new ConversationEventCollector(subscription);
    }

    /// <summary>Gets the latest collected event, or <see langword="null"/>.</summary>
    public ConversationEvent? LatestEvent
    {
        get
        {
            lock (_gate)
            {
                return _events.Count == 0 ? null : _events[^1];
            }
        }
    }

    /// <summary>Gets a copy of the events collected so far, in delivery order.</summary>
    /// <returns>The events.</returns>
    public IReadOnlyList<ConversationEvent> GetSnapshot()
    {
        lock (_gate)
        {
            return _events.ToArray();
        }
    }

    /// <summary>Waits for an event matching <paramref name="predicate"/>, including one collected earlier.</summary>
    /// <param name="predicate">The event to wait for.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The first matching event.</returns>
    public Task<ConversationEvent> WaitForAsync(Func<ConversationEvent, bool> predicate, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        lock (_gate)
        {
            var existing = _events.Find(e => predicate(e));
            if (existing is not null)
            {
                return Task.FromResult(existing);
            }

            var signal = new TaskCompletionSource<ConversationEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((predicate, signal));
            return signal.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Waits for an event of type <typeparamref name="TEvent"/> matching <paramref name="predicate"/>.</summary>
    /// <typeparam name="TEvent">The event type.</typeparam>
    /// <param name="predicate">The event to wait for; <see langword="null"/> for any of the type.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The first matching event.</returns>
    public async Task<TEvent> WaitForAsync<TEvent>(Func<TEvent, bool>? predicate = null, CancellationToken cancellationToken = default)
        where TEvent : ConversationEvent =>
        (TEvent)await WaitForAsync(e => e is TEvent t && (predicate is null || predicate(t)), cancellationToken).ConfigureAwait(false);

    /// <summary>Stops collecting.</summary>
    /// <returns>A task that completes when collection has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        _subscription.Dispose();
        await _pump.ConfigureAwait(false);
    }

    private async Task PumpAsync()
    {
        var reader = _subscription.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out var item))
            {
                if (item.Event is not { } e)
                {
                    continue;
                }

                lock (_gate)
                {
                    _events.Add(e);
                    for (var i = _waiters.Count - 1; i >= 0; i--)
                    {
                        if (_waiters[i].Match(e))
                        {
                            _waiters[i].Signal.TrySetResult(e);
                            _waiters.RemoveAt(i);
                        }
                    }
                }
            }
        }
    }
}
