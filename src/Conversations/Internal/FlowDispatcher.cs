using Conversations.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Conversations.Internal;

/// <summary>
/// Runs the durable flow triggers the store holds ("start or continue"): leases what is due, runs the agent's flow, and
/// marks each trigger done, retried or dead. The store decides order and exclusivity — only the lowest pending trigger of a
/// (conversation, agent) lane can be leased — so triggers of one lane run one at a time in sequence order across every
/// engine that shares the store, and different lanes run in parallel up to <see cref="ConversationsOptions.MaxConcurrentFlows"/>.
/// </summary>
/// <remarks>
/// Work is found by doorbells (this engine's own posts, other engines' posts seen on the bus) and by a poll every
/// <see cref="ConversationsOptions.PollInterval"/> (retries, ended leases, engines without a shared bus). Nothing is queued
/// in memory beyond the runs in progress: a crash loses no trigger, only the lease, which ends and is claimed again.
/// </remarks>
internal sealed partial class FlowDispatcher : IAsyncDisposable, IDisposable
{
    private readonly IServiceProvider _services;
    private readonly EngineCore _core;
    private readonly EventPublisher _publisher;
    private readonly ILogger _logger;
    private readonly Dictionary<FlowTriggerKey, Run> _running = [];
    private readonly SemaphoreSlim _wake = new(0);
    private readonly CancellationTokenSource _stopClaiming = new();
    private readonly CancellationTokenSource _cancelRuns = new();
    private readonly Lock _gate = new();
    private readonly List<TaskCompletionSource> _idleWaiters = [];
    private Task? _loop;
    private ITimer? _poll;
    private readonly Dictionary<string, long> _rung = new(StringComparer.Ordinal);
    private bool _signalled;
    private bool _stopping;
    private int _busy;
    private long _claims;
    private long _passes;

    private readonly FlowEngineCatalog _catalog;

    public FlowDispatcher(IServiceProvider services, EngineCore core, EventPublisher publisher, FlowEngineCatalog catalog, ILogger<FlowDispatcher> logger)
    {
        _services = services;
        _catalog = catalog;
        _core = core;
        _publisher = publisher;
        _logger = logger;
    }

    /// <summary>Gets how many flows this engine is running.</summary>
    public int RunningCount
    {
        get
        {
            lock (_gate)
            {
                return _running.Count;
            }
        }
    }

    /// <summary>Starts looking for triggers: at once, on every doorbell, and on the poll interval.</summary>
    public void Start()
    {
        _loop = Task.Run(ClaimLoopAsync);
        _poll = _core.Time.CreateTimer(static state => ((FlowDispatcher)state!).Signal(), this, _core.Options.PollInterval, _core.Options.PollInterval);
        Signal();
    }

    /// <summary>Asks for a claim pass soon. Cheap and coalescing; never blocks.</summary>
    public void Signal()
    {
        lock (_gate)
        {
            if (_signalled || _stopping)
            {
                return;
            }

            _signalled = true;
            _busy++;
        }

        _wake.Release();
    }

    /// <summary>
    /// Asks for a claim pass for a write that recorded triggers — a post (its sequence) or a new conversation (0) — once
    /// per write: the engine that writes it rings, and so does its echo on the bus, and the second ring would only cost
    /// another store round trip. Remembers the conversation's highest rung sequence, which also tells a finishing run
    /// whether a later trigger may wait in its lane.
    /// </summary>
    public void Ring(string? conversationId, long sequence)
    {
        if (conversationId is not null)
        {
            lock (_gate)
            {
                if (_rung.TryGetValue(conversationId, out var rung) && rung >= sequence)
                {
                    // Rung for this post or a later one, whose claim pass starts after this post was stored.
                    return;
                }

                if (_rung.Count >= 10_000)
                {
                    // Forgetting is safe: a run that started before this sees a new pass and looks again when it ends.
                    _rung.Clear();
                    _passes++;
                }

                _rung[conversationId] = sequence;
            }
        }

        Signal();
    }

    /// <summary>Completes when no claim pass is pending and no flow runs. For tests and hosts that wait for agents to settle.</summary>
    public Task WhenIdleAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_busy == 0)
            {
                return Task.CompletedTask;
            }

            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _idleWaiters.Add(waiter);
            return waiter.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Stops claiming, lets running flows finish until <paramref name="cancellationToken"/> fires, then cancels them (their triggers are released for another engine).</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        Task[] runs;
        lock (_gate)
        {
            _stopping = true;
            runs = [.. _running.Values.Select(r => r.Task)];
        }

        _poll?.Dispose();
        await _stopClaiming.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        try
        {
            await Task.WhenAll(runs).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await _cancelRuns.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(runs).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(new CancellationToken(canceled: true)).ConfigureAwait(false);
        _stopClaiming.Dispose();
        _cancelRuns.Dispose();
        _wake.Dispose();
    }

    public void Dispose()
    {
        // A container disposed synchronously cannot wait for flows: ask everything to stop and leave.
        lock (_gate)
        {
            _stopping = true;
        }

        _poll?.Dispose();
        _stopClaiming.Cancel();
        _cancelRuns.Cancel();
    }

    private async Task ClaimLoopAsync()
    {
        var token = _stopClaiming.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                await _wake.WaitAsync(token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            lock (_gate)
            {
                _signalled = false;
            }

            try
            {
                await ClaimAsync(token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
            }
#pragma warning disable CA1031 // A failing store is logged; the next doorbell or poll tries again.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Log.ClaimFailed(_logger, ex);
            }
            finally
            {
                Done();
            }
        }
    }

    private async Task ClaimAsync(CancellationToken cancellationToken)
    {
        int free;
        long pass;
        lock (_gate)
        {
            free = _core.Options.MaxConcurrentFlows - _running.Count;
            pass = ++_passes;
        }

        if (free <= 0 || !_catalog.RunsFlows)
        {
            // A finishing run signals again; an engine without flow engines leaves triggers to those that have one.
            return;
        }

        // Each claim has its own owner id: should this engine claim a trigger again after its lease ran out while an
        // earlier attempt still runs here, the store refuses that attempt's renewals and completion.
        var now = _core.Now;
        var claim = new TriggerClaim
        {
            Owner = _core.OwnerId + "#" + Interlocked.Increment(ref _claims).ToString(System.Globalization.CultureInfo.InvariantCulture),
            Now = now,
            LeaseExpiresAt = now + _core.Options.FlowLeaseDuration,
            MaxCount = free,
            AgentIds = _catalog.HasDefault ? null : _catalog.AgentIds,
        };
        var claimed = await _core.Store.ClaimTriggersAsync(claim, cancellationToken).ConfigureAwait(false);
        foreach (var record in claimed)
        {
            StartRun(record, claim.Owner, pass);
        }

        if (claimed.Count == free)
        {
            // There may be more: look again once a slot frees up or right away.
            Signal();
        }
    }

    private void StartRun(FlowTriggerRecord record, string owner, long pass)
    {
        var run = new Run(record, owner, pass);
        lock (_gate)
        {
            _busy++;
            _running[record.Key] = run;
            run.Task = Task.Run(() => RunAsync(run));
        }
    }

    private void Done()
    {
        List<TaskCompletionSource>? wake = null;
        lock (_gate)
        {
            if (--_busy == 0 && _idleWaiters.Count > 0)
            {
                wake = [.. _idleWaiters];
                _idleWaiters.Clear();
            }
        }

        if (wake is not null)
        {
            foreach (var waiter in wake)
            {
                waiter.TrySetResult();
            }
        }
    }

    private sealed class Run(FlowTriggerRecord record, string owner, long pass)
    {
        public FlowTriggerRecord Record { get; } = record;

        /// <summary>Gets the lease owner of this attempt (its claim's).</summary>
        public string Owner { get; } = owner;

        /// <summary>Gets the number of the claim pass that claimed it.</summary>
        public long Pass { get; } = pass;

        public Task Task { get; set; } = Task.CompletedTask;

        public bool LeaseLost { get; set; }
    }
}
