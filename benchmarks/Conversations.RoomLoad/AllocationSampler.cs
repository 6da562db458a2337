using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Globalization;
using System.Text;

namespace Conversations.RoomLoad;

/// <summary>
/// What a process allocates, by type, from the runtime's allocation samples (one event about every 100 KB, naming the
/// type that crossed the mark): enough to see which objects dominate, not an exact count. Byte arrays are split by size.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private const string RuntimeSource = "Microsoft-Windows-DotNETRuntime";
    private const long GcKeyword = 0x1;
    private readonly ConcurrentDictionary<string, long> _bytes = new(StringComparer.Ordinal);
    private volatile bool _sampling;

    public void Start()
    {
        _bytes.Clear();
        _sampling = true;
    }

    /// <summary>Stops sampling and returns the largest shares, one line each.</summary>
    public string Stop(int top = 12)
    {
        _sampling = false;
        var total = Math.Max(1, _bytes.Values.Sum());
        var text = new StringBuilder();
        foreach (var (type, bytes) in _bytes.OrderByDescending(x => x.Value).Take(top))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"    {100.0 * bytes / total,5:F1} %  {bytes / 1024.0 / 1024.0,7:F1} MiB  {type}");
        }

        return text.ToString();
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == RuntimeSource)
        {
            EnableEvents(eventSource, EventLevel.Verbose, (EventKeywords)GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (!_sampling || eventData.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) != true || eventData.Payload is not { } payload)
        {
            return;
        }

        var names = eventData.PayloadNames!;
        var type = Value(names, payload, "TypeName") as string ?? "?";
        var amount = Convert.ToInt64(Value(names, payload, "AllocationAmount64") ?? 100_000L, CultureInfo.InvariantCulture);
        if (type == "System.Byte[]" && Value(names, payload, "ObjectSize") is { } size)
        {
            type += $" (≤ {1L << (int)Math.Ceiling(Math.Log2(Math.Max(1, Convert.ToInt64(size, CultureInfo.InvariantCulture))))} B)";
        }

        _bytes.AddOrUpdate(type, amount, (_, sum) => sum + amount);
    }

    private static object? Value(System.Collections.ObjectModel.ReadOnlyCollection<string> names, System.Collections.ObjectModel.ReadOnlyCollection<object?> payload, string name)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (names[i] == name)
            {
                return payload[i];
            }
        }

        return null;
    }
}
