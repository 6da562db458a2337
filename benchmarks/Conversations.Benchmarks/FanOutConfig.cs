using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Conversations.Benchmarks;

internal sealed class FanOutConfig : ManualConfig
{
    public FanOutConfig()
    {
        AddColumn(new FanOutColumn("Deliveries/s"), new FanOutColumn("p50 latency"), new FanOutColumn("p99 latency"));
    }
}

/// <summary>Delivered messages per second (from the mean) and post-to-receive latency percentiles (saved by the run).</summary>
internal sealed class FanOutColumn(string name) : IColumn
{
    public string Id => nameof(FanOutColumn) + name;

    public string ColumnName => name;

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => false;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => name == "Deliveries/s" ? "Messages delivered to receivers per second" : "Post-to-receive latency";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var receivers = (int)benchmarkCase.Parameters["Receivers"];
        var method = benchmarkCase.Descriptor.WorkloadMethod.Name;
        if (name == "Deliveries/s")
        {
            var mean = summary[benchmarkCase]?.ResultStatistics?.Mean;
            return mean is { } ns ? (FanOutBenchmarks.MessagesPerOperation * receivers / (ns / 1e9)).ToString("N0", CultureInfo.InvariantCulture) : "?";
        }

        var (p50, p99) = Latency.Load(method, receivers);
        return name == "p50 latency" ? p50 : p99;
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
