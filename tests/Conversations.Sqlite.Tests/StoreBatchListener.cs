using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Conversations;

namespace Conversations.TestSupport;

/// <summary>
/// Collects the store batch measurements (<see cref="ConversationsDiagnostics.StoreBatchWrites"/> and
/// <see cref="ConversationsDiagnostics.StoreBatchDuration"/>) one database system reports while it listens. The meter is
/// process-wide: tests using this run in a collection of their own, with parallelization off.
/// </summary>
internal sealed class StoreBatchListener : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly string _system;
    private readonly ConcurrentQueue<int> _writes = new();
    private readonly ConcurrentQueue<double> _durations = new();

    /// <param name="system">The <see cref="ConversationsDiagnostics.DbSystemTag"/> value to keep: <c>sqlite</c> or <c>postgresql</c>.</param>
    public StoreBatchListener(string system)
    {
        _system = system;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ConversationsDiagnostics.MeterName && instrument.Name is ConversationsDiagnostics.StoreBatchWrites or ConversationsDiagnostics.StoreBatchDuration)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<int>((_, value, tags, _) =>
        {
            if (IsMine(tags))
            {
                _writes.Enqueue(value);
            }
        });
        _listener.SetMeasurementEventCallback<double>((_, value, tags, _) =>
        {
            if (IsMine(tags))
            {
                _durations.Enqueue(value);
            }
        });
        _listener.Start();
    }

    /// <summary>Gets the writes of each batch measured so far, in the order they were recorded.</summary>
    public IReadOnlyList<int> Writes => [.. _writes];

    /// <summary>Gets the duration of each batch measured so far, in seconds.</summary>
    public IReadOnlyList<double> Durations => [.. _durations];

    public void Dispose() => _listener.Dispose();

    /// <summary>
    /// Asserts that <paramref name="writes"/> writes, queued while the database was held so that the store could commit none
    /// of them, were measured in at most two batches: what the store took before the hold ended, and the rest together.
    /// </summary>
    public void ShouldHaveMeasuredHeldWrites(int writes)
    {
        Writes.Sum().Should().Be(writes, "every write is counted once");
        Writes.Should().HaveCountLessThanOrEqualTo(2, "nothing could commit before the hold ended, and the writes queued behind it went together")
            .And.Contain(batch => batch >= writes / 2);
        Durations.Should().HaveSameCount(Writes).And.OnlyContain(seconds => seconds >= 0 && seconds < 60);
    }

    private bool IsMine(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == ConversationsDiagnostics.DbSystemTag)
            {
                return Equals(tag.Value, _system);
            }
        }

        return false;
    }
}
