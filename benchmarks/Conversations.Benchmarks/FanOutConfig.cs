using System.Globalization;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Conversations.Benchmarks;

internal sealed class FanOutConfig : ManualConfig
{
    public FanOutConfig()
    {
        AddColumn(
            new ResultColumn("Deliveries/s", "Messages delivered to receivers per second", DeliveriesPerSecond),
            new ResultColumn("p50 latency", "Post-to-receive latency", (_, c) => Latency.Load(c.Descriptor.WorkloadMethod.Name, Receivers(c)).P50),
            new ResultColumn("p99 latency", "Post-to-receive latency", (_, c) => Latency.Load(c.Descriptor.WorkloadMethod.Name, Receivers(c)).P99));
    }

    private static int Receivers(BenchmarkCase benchmarkCase) => (int)benchmarkCase.Parameters["Receivers"];

    private static string DeliveriesPerSecond(Summary summary, BenchmarkCase benchmarkCase) =>
        summary[benchmarkCase]?.ResultStatistics?.Mean is { } ns
            ? (FanOutBenchmarks.MessagesPerOperation * Receivers(benchmarkCase) / (ns / 1e9)).ToString("N0", CultureInfo.InvariantCulture)
            : "?";
}
