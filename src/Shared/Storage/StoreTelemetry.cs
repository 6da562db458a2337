using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Conversations.Storage.Internal;

/// <summary>
/// A store's batch instruments, under the engine's meter name (<see cref="ConversationsDiagnostics.MeterName"/>): shared
/// as internal source by the SQLite and PostgreSQL stores, each naming its database in <see cref="ConversationsDiagnostics.DbSystemTag"/>.
/// </summary>
internal sealed class StoreTelemetry
{
    private static readonly Meter s_meter = new(ConversationsDiagnostics.MeterName);

    private static readonly Histogram<int> s_batchWrites = s_meter.CreateHistogram(
        ConversationsDiagnostics.StoreBatchWrites,
        "{write}",
        "Writes committed together in one store transaction.",
        advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024] });

    private static readonly Histogram<double> s_batchDuration = s_meter.CreateHistogram(
        ConversationsDiagnostics.StoreBatchDuration,
        "s",
        "How long store transactions take, from their start to their durable commit.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] });

    private readonly KeyValuePair<string, object?> _system;

    /// <param name="system">The database, as OpenTelemetry names it: <c>sqlite</c>, <c>postgresql</c>.</param>
    public StoreTelemetry(string system) => _system = new(ConversationsDiagnostics.DbSystemTag, system);

    /// <summary>
    /// Records a committed transaction that started at <paramref name="started"/> (a <see cref="Stopwatch"/> timestamp) and
    /// stored <paramref name="writes"/> writes (those refused inside it are not counted; one that stored none is not recorded).
    /// </summary>
    public void BatchCommitted(int writes, long started)
    {
        if (writes == 0)
        {
            return;
        }

        if (s_batchWrites.Enabled)
        {
            s_batchWrites.Record(writes, _system);
        }

        if (s_batchDuration.Enabled)
        {
            s_batchDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, _system);
        }
    }
}
