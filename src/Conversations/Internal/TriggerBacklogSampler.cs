using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Conversations.Storage;
using Microsoft.Extensions.Logging;

namespace Conversations.Internal;

/// <summary>
/// Reads the store's trigger backlog (<see cref="ConversationStore.GetTriggerBacklogAsync"/>) every <see cref="Interval"/> on
/// the engine's clock, for the <see cref="ConversationsDiagnostics.TriggersPending"/> and
/// <see cref="ConversationsDiagnostics.TriggersOldestAge"/> gauges — and only while a listener has them enabled, so an
/// engine nobody measures never pays for the query.
/// </summary>
/// <remarks>Started and stopped with the engine by <see cref="ConversationsHostedService"/>.</remarks>
internal sealed class TriggerBacklogSampler(ConversationStore store, TimeProvider time, ILogger<TriggerBacklogSampler> logger) : IAsyncDisposable, IDisposable
{
    /// <summary>How often the backlog is read.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);

    private static readonly ConcurrentDictionary<TriggerBacklogSampler, byte> s_running = new();

    private readonly TimeProvider _time = time;

    private ITimer? _timer;
    private Sample? _last;
    private int _sampling;

    public static IEnumerable<Measurement<long>> ObservePending()
    {
        foreach (var sampler in s_running.Keys)
        {
            if (sampler._last is { } sample)
            {
                yield return new Measurement<long>(sample.Backlog.Pending);
            }
        }
    }

    public static IEnumerable<Measurement<double>> ObserveOldestAge()
    {
        foreach (var sampler in s_running.Keys)
        {
            if (sampler._last is { Backlog: var backlog })
            {
                var age = backlog.OldestCreatedAt is { } oldest ? sampler._time.GetUtcNow() - oldest : TimeSpan.Zero;
                yield return new Measurement<double>(Math.Max(0, age.TotalSeconds));
            }
        }
    }

    public void Start()
    {
        _ = TelemetryInstruments.TriggersPending;
        s_running.TryAdd(this, 0);
        _timer ??= _time.CreateTimer(static state => _ = ((TriggerBacklogSampler)state!).SampleAsync(), this, Interval, Interval);
    }

    public async ValueTask DisposeAsync()
    {
        s_running.TryRemove(this, out _);
        if (_timer is { } timer)
        {
            await timer.DisposeAsync().ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        s_running.TryRemove(this, out _);
        _timer?.Dispose();
    }

    /// <summary>Reads the backlog once, unless nobody listens or a read is still running.</summary>
    internal async Task SampleAsync()
    {
        if ((!TelemetryInstruments.TriggersPending.Enabled && !TelemetryInstruments.TriggersOldestAge.Enabled)
            || Interlocked.Exchange(ref _sampling, 1) == 1)
        {
            return;
        }

        try
        {
            _last = new Sample(await store.GetTriggerBacklogAsync(CancellationToken.None).ConfigureAwait(false));
        }
#pragma warning disable CA1031 // A failed sample only leaves the gauges at the last value; the store's own errors are reported elsewhere.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Log.BacklogSampleFailed(logger, e);
        }
        finally
        {
            Volatile.Write(ref _sampling, 0);
        }
    }

    private sealed record Sample(TriggerBacklog Backlog);
}
