using System.Diagnostics;
using System.Globalization;

namespace Conversations.Benchmarks;

/// <summary>Post-to-receive latencies (a ring of the latest samples), saved per benchmark case for the fan-out latency columns.</summary>
internal static class Latency
{
    private static readonly long[] Samples = new long[1 << 21];
    private static long s_count;

    public static string Directory => Path.Combine(Path.GetTempPath(), "conversations-fanout");

    public static void Record(long ticks) => Samples[(Interlocked.Increment(ref s_count) - 1) & (Samples.Length - 1)] = ticks;

    public static void Save(string method, int receivers)
    {
        var n = (int)Math.Min(Interlocked.Read(ref s_count), Samples.Length);
        if (n == 0)
        {
            return;
        }

        var copy = Samples.AsSpan(0, n).ToArray();
        Array.Sort(copy);
        double Micros(double q) => copy[Math.Min(n - 1, (int)(q * n))] * 1_000_000.0 / Stopwatch.Frequency;
        System.IO.Directory.CreateDirectory(Directory);
        File.WriteAllText(Path.Combine(Directory, $"{method}-{receivers}.txt"), string.Create(CultureInfo.InvariantCulture, $"{Micros(0.5):F0} {Micros(0.99):F0}"));
        Console.WriteLine($"// {method} receivers={receivers}: p50 {Micros(0.5):F0} us, p99 {Micros(0.99):F0} us over {n} deliveries");
    }

    public static (string P50, string P99) Load(string method, int receivers)
    {
        var path = Path.Combine(Directory, $"{method}-{receivers}.txt");
        if (!File.Exists(path))
        {
            return ("?", "?");
        }

        var parts = File.ReadAllText(path).Split(' ');
        return (parts[0] + " us", parts[1] + " us");
    }
}
