namespace Conversations.Internal;

/// <summary>
/// Runs work items one at a time per key, in enqueue order, with different keys in parallel. A key's lane
/// exists only while it has work, so idle keys cost nothing.
/// </summary>
internal sealed class KeyedSerialQueue<TItem>(Func<string, TItem, Task> process, int maxPendingPerKey)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Lane> _lanes = new(StringComparer.Ordinal);

    /// <summary>Queues an item; returns <see langword="false"/> (and queues nothing) when the key already has the most pending items.</summary>
    public bool TryEnqueue(string key, TItem item, out int pending)
    {
        lock (_gate)
        {
            if (!_lanes.TryGetValue(key, out var lane))
            {
                lane = new Lane();
                _lanes.Add(key, lane);
            }

            pending = lane.Items.Count;
            if (pending >= maxPendingPerKey)
            {
                return false;
            }

            lane.Items.Enqueue(item);
            lane.Running ??= Task.Run(() => DrainAsync(key, lane));
            return true;
        }
    }

    /// <summary>Gets a value indicating whether no key has work.</summary>
    public bool IsIdle
    {
        get
        {
            lock (_gate)
            {
                return _lanes.Count == 0;
            }
        }
    }

    /// <summary>Completes when no key has work, including work queued while waiting.</summary>
    public async Task WhenIdleAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task[] running;
            lock (_gate)
            {
                running = _lanes.Values.Select(l => l.Running).OfType<Task>().ToArray();
            }

            if (running.Length == 0)
            {
                return;
            }

            await Task.WhenAll(running).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task DrainAsync(string key, Lane lane)
    {
        while (true)
        {
            TItem item;
            lock (_gate)
            {
                if (!lane.Items.TryDequeue(out item!))
                {
                    lane.Running = null;
                    _lanes.Remove(key);
                    return;
                }
            }

            // process is expected to handle its own failures; this guard keeps the lane alive regardless.
            try
            {
                await process(key, item).ConfigureAwait(false);
            }
#pragma warning disable CA1031
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
    }

    private sealed class Lane
    {
        public Queue<TItem> Items { get; } = new();

        public Task? Running { get; set; }
    }
}
