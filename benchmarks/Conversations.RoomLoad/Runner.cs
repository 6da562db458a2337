using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Conversations.RoomLoad;

/// <summary>
/// Runs each scenario against both servers, one after the other, each server alone in its own process, and prints one
/// table with the ratios. Posts carry their send time, so the runner measures ack and post→last-receiver latency itself.
/// </summary>
internal static class Runner
{
    public static async Task<int> RunAsync(string[] args)
    {
        var scale = args.SkipWhile(a => a != "--scale").Skip(1).Select(a => double.Parse(a, CultureInfo.InvariantCulture)).FirstOrDefault(1.0);
        var only = args.SkipWhile(a => a != "--scenario").Skip(1).FirstOrDefault();
        var allocations = args.Contains("--allocations");
        ConversationsChat.JsonEvents = args.Contains("--json-events");
        HandBuiltChat.MessagePack = args.Contains("--hub-messagepack");
        var servers = args.SkipWhile(a => a != "--server").Skip(1).Take(1).ToArray() is [var one] ? [one] : new[] { "conversations", "signalr" };
        int N(int n) => Math.Max(1, (int)(n * scale));
        Scenario[] scenarios =
        [
            new("50 clients, 1 room, 100 posts each (wait for each ack)", Rooms: 1, Members: N(50), Posters: N(50), PostsEach: N(100), InFlight: 1),
            new("10 clients, 1 room, 300 posts each", Rooms: 1, Members: 10, Posters: 10, PostsEach: N(300), InFlight: 1),
            new("200 clients in 100 two-person rooms, 50 posts each", Rooms: N(100), Members: 2, Posters: 2, PostsEach: N(50), InFlight: 1),
            new("1 poster, 32 in flight, 200 receivers", Rooms: 1, Members: N(200) + 1, Posters: 1, PostsEach: N(2000), InFlight: 32),
        ];

        // Each round runs both servers; rounds alternate which goes first, so a slow spell of a shared machine does not
        // always land on the same server. The table shows each figure's median over the rounds.
        var repeat = args.SkipWhile(a => a != "--repeat").Skip(1).Select(a => int.Parse(a, CultureInfo.InvariantCulture)).FirstOrDefault(1);
        if (repeat < 1)
        {
            Console.Error.WriteLine("--repeat must be at least 1.");
            return 2;
        }

        // Our server's WebSocketEndpointOptions.EventBatchWindow (its default when not given; 0 sends every event at once).
        if (args.SkipWhile(a => a != "--batch-window").Skip(1).FirstOrDefault() is { } window)
        {
            ServerProcess.BatchWindow = TimeSpan.FromMilliseconds(double.Parse(window, CultureInfo.InvariantCulture));
        }

        var results = new List<Result>();
        foreach (var scenario in scenarios.Where(s => only is null || s.Name.Contains(only, StringComparison.OrdinalIgnoreCase)))
        {
            for (var round = 0; round < repeat; round++)
            {
                foreach (var kind in round % 2 == 0 ? servers : servers.Reverse())
                {
                    Console.Error.WriteLine($"{scenario.Name}: {kind}{(repeat > 1 ? $" (round {round + 1} of {repeat})" : string.Empty)} …");
                    results.Add(await RunScenarioAsync(scenario, kind, allocations) with { Round = round });
                }
            }
        }

        Idle? idle = null;
        if (servers.Length == 2 && (only is null || "idle".Contains(only, StringComparison.OrdinalIgnoreCase)))
        {
            var connections = N(2000);
            Console.Error.WriteLine($"{connections} idle connections …");
            idle = new Idle(connections, await IdleAsync("conversations", connections), await IdleAsync("signalr", connections));
        }

        Console.Out.Write(Report(results, idle));
        return results.Any(r => r.Kind == "conversations" && r.OrderViolations > 0) ? 1 : 0;
    }

    private static async Task<Result> RunScenarioAsync(Scenario scenario, string kind, bool allocations)
    {
        await using var server = await ServerProcess.StartAsync(kind);
        IChat chat = kind == "conversations" ? new ConversationsChat(server.BaseUri) : new HandBuiltChat(server.BaseUri);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        var rooms = new List<IReadOnlyList<Member>>();
        for (var r = 0; r < scenario.Rooms; r++)
        {
            rooms.Add(await chat.OpenRoomAsync($"room-{r}", [.. Enumerable.Range(0, scenario.Members).Select(m => $"u{r}-{m}")], timeout.Token));
        }

        try
        {
            // Warm up first, unmeasured: a chat server runs for days, so the table is about its steady state, not about
            // the JIT compiling each server's and client's code (both processes start cold in every scenario).
            var warmUp = scenario with { PostsEach = Math.Max(5, scenario.PostsEach / 5) };
            foreach (var member in rooms.SelectMany(m => m))
            {
                member.Expect(warmUp.Posters, warmUp.PostsEach);
            }

            await Task.WhenAll(rooms.SelectMany(members => members.Take(scenario.Posters)).Select(member => Task.Run(() => PostAllAsync(member, warmUp, [], timeout.Token))));
            await Task.WhenAll(rooms.SelectMany(m => m).Select(m => m.WhenReceivedAsync(warmUp.Posters * warmUp.PostsEach, timeout.Token)));
            foreach (var member in rooms.SelectMany(m => m))
            {
                member.Expect(scenario.Posters, scenario.PostsEach);
            }

            var acks = new List<double>[rooms.Count * scenario.Posters];
            var serverBefore = await server.CountsAsync();
            var cpu = server.CpuTime();
            var clientCpu = Process.GetCurrentProcess().TotalProcessorTime;
            var clientAllocated = GC.GetTotalAllocatedBytes(precise: false);
            var clientGen0 = GC.CollectionCount(0);
            var clientGen1 = GC.CollectionCount(1);
            var clientPause = GC.GetTotalPauseDuration();
            using var sampler = allocations ? new AllocationSampler() : null;
            if (sampler is not null)
            {
                sampler.Start();
                await server.StartAllocationSamplingAsync();
            }

            var clock = Stopwatch.StartNew();
            var posting = rooms.SelectMany((members, r) => members.Take(scenario.Posters).Select((member, p) =>
            {
                var latencies = acks[(r * scenario.Posters) + p] = [];
                return Task.Run(() => PostAllAsync(member, scenario, latencies, timeout.Token));
            })).ToArray();
            await Task.WhenAll(posting);
            var perRoom = scenario.Posters * scenario.PostsEach;
            var posts = rooms.Count * perRoom;
            var deliveries = (long)posts * scenario.Members;
            await Task.WhenAll(rooms.SelectMany(m => m).Select(m => m.WhenReceivedAsync(perRoom, timeout.Token)));
            var elapsed = clock.Elapsed;
            var used = server.CpuTime() - cpu;
            var clientUsed = Process.GetCurrentProcess().TotalProcessorTime - clientCpu;
            var counts = await server.CountsAsync() - serverBefore;
            var writesPerCommit = counts.Commits > 0 ? (double)counts.Writes / counts.Commits : double.NaN;
            if (sampler is not null)
            {
                Console.Error.Write($"  what the clients allocate, sampled:{Environment.NewLine}{sampler.Stop()}");
                Console.Error.Write($"  what the server allocates, sampled:{Environment.NewLine}{await server.StopAllocationSamplingAsync()}");
            }

            Console.Error.WriteLine($"  clients: {(GC.GetTotalAllocatedBytes(precise: false) - clientAllocated) / 1024 / 1024} MiB allocated, {GC.CollectionCount(0) - clientGen0} gen0 and {GC.CollectionCount(1) - clientGen1} gen1 collections, paused {(GC.GetTotalPauseDuration() - clientPause).TotalMilliseconds:N0} ms");
            var sent = counts.Messages > 0 ? $"; {counts.Messages:N0} WebSocket messages, {(double)deliveries / counts.Messages:N1} events each" : string.Empty;
            Console.Error.WriteLine($"  server: {counts.Gen0} gen0, {counts.Gen1} gen1 and {counts.Gen2} gen2 collections, paused {counts.GcPause.TotalMilliseconds:N0} ms{sent}");

            // Deliveries: latency to the last receiver of each post, and one order for every receiver of a room.
            var toLast = new List<double>(rooms.Count * perRoom);
            var violations = 0;
            foreach (var members in rooms)
            {
                var tallies = members.Select(m => m.Received).ToArray();
                foreach (var tally in tallies)
                {
                    if (tally.Count != perRoom || tally.Unexpected > 0 || tally.Order != tallies[0].Order)
                    {
                        violations++;
                    }
                }

                for (var index = 0; index < perRoom; index++)
                {
                    var latest = tallies.Max(t => t.Latency(index));
                    if (!double.IsNaN(latest))
                    {
                        toLast.Add(latest);
                    }
                }
            }

            var ackAll = acks.SelectMany(a => a).Order().ToArray();
            var lastAll = toLast.Order().ToArray();
            return new Result(scenario.Name, kind, posts / elapsed.TotalSeconds, P(ackAll, 50), P(ackAll, 99), P(lastAll, 50), P(lastAll, 99),
                used.TotalMicroseconds / posts, used.TotalMicroseconds / deliveries, clientUsed.TotalMicroseconds / deliveries, violations, writesPerCommit);
        }
        finally
        {
            foreach (var member in rooms.SelectMany(m => m))
            {
                await member.DisposeAsync();
            }
        }
    }

    private static async Task PostAllAsync(Member member, Scenario scenario, List<double> acks, CancellationToken cancellationToken)
    {
        using var window = new SemaphoreSlim(scenario.InFlight);
        var inFlight = new List<Task>();
        for (var i = 0; i < scenario.PostsEach; i++)
        {
            await window.WaitAsync(cancellationToken);
            var sent = Stopwatch.GetTimestamp();
            var post = member.PostAsync($"{member.User}|{i}|{sent}", cancellationToken).ContinueWith(
                t =>
                {
                    window.Release();
                    t.GetAwaiter().GetResult();
                    lock (acks)
                    {
                        acks.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                    }
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
            inFlight.Add(post);
        }

        await Task.WhenAll(inFlight);
    }

    private static async Task<double> IdleAsync(string kind, int connections)
    {
        await using var server = await ServerProcess.StartAsync(kind);
        IChat chat = kind == "conversations" ? new ConversationsChat(server.BaseUri) : new HandBuiltChat(server.BaseUri);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        const int PerRoom = 100;
        var rooms = (connections + PerRoom - 1) / PerRoom;
        string[] Users(int r) => [.. Enumerable.Range(0, Math.Min(PerRoom, connections - (r * PerRoom))).Select(m => $"i{r}-{m}")];
        var members = new List<Member>();
        try
        {
            // The rooms exist before the measured connections arrive; then each connection follows its room's conversation.
            for (var r = 0; r < rooms; r++)
            {
                await chat.PrepareRoomAsync($"idle-{r}", Users(r), timeout.Token);
            }

            var before = await server.ResidentKiBAsync();
            for (var r = 0; r < rooms; r++)
            {
                members.AddRange(await Task.WhenAll(Users(r).Select(u => chat.ConnectIdleAsync(u, $"idle-{r}", timeout.Token))));
            }

            var after = await server.ResidentKiBAsync();
            return (after - before) / (double)members.Count;
        }
        finally
        {
            foreach (var member in members)
            {
                await member.DisposeAsync();
            }
        }
    }

    private static double P(double[] sorted, int percentile) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(percentile / 100.0 * sorted.Length) - 1)];

    private static string Report(List<Result> results, Idle? idle)
    {
        var rounds = results.Count == 0 ? 1 : results.Max(r => r.Round) + 1;
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Room load over real sockets on 127.0.0.1, server alone in its own process, {Environment.ProcessorCount} cores{(rounds > 1 ? $"; each figure the median of {rounds} rounds, the servers' order alternating" : string.Empty)}");
        text.AppendLine();
        text.AppendLine("| scenario | server | posts/s | ack p50 | ack p99 | post→last receiver p50 | p99 | CPU µs/post | CPU µs/delivery | clients' CPU µs/delivery | order |");
        text.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        var medians = results.GroupBy(r => (r.Scenario, r.Kind)).Select(Median).ToList();
        foreach (var r in medians)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {r.Scenario} | {(r.Kind == "conversations" ? "Conversations" : "hand-built SignalR + SQLite")} | {r.PostsPerSecond:N0} | {r.AckP50:N1} ms | {r.AckP99:N1} ms | {r.DeliveryP50:N1} ms | {r.DeliveryP99:N1} ms | {r.CpuPerPost:N1} | {r.CpuPerDelivery:N2} | {r.ClientCpuPerDelivery:N2} | {(r.OrderViolations == 0 ? "one order, each once" : $"{r.OrderViolations} receivers differ")} |");
        }

        text.AppendLine();
        text.AppendLine(rounds > 1
            ? "| scenario | posts/s, Conversations ÷ hand-built | each round | ack p99, ours vs theirs | CPU per delivery, ours vs theirs |"
            : "| scenario | posts/s, Conversations ÷ hand-built | ack p99, ours vs theirs | CPU per delivery, ours vs theirs |");
        text.AppendLine(rounds > 1 ? "|---|---:|---|---:|---:|" : "|---|---:|---:|---:|");
        foreach (var pair in medians.GroupBy(r => r.Scenario).Where(g => g.Count() == 2))
        {
            var ours = pair.Single(r => r.Kind == "conversations");
            var theirs = pair.Single(r => r.Kind == "signalr");
            var each = rounds > 1
                ? $" {string.Join(", ", results.Where(r => r.Scenario == pair.Key).GroupBy(r => r.Round).Where(g => g.Count() == 2).Select(g => (g.Single(r => r.Kind == "conversations").PostsPerSecond / g.Single(r => r.Kind == "signalr").PostsPerSecond).ToString("N2", CultureInfo.InvariantCulture)))} |"
                : string.Empty;
            text.AppendLine(CultureInfo.InvariantCulture, $"| {pair.Key} | {ours.PostsPerSecond / theirs.PostsPerSecond:N2}× |{each} {ours.AckP99:N1} vs {theirs.AckP99:N1} ms | {ours.CpuPerDelivery:N2} vs {theirs.CpuPerDelivery:N2} µs |");
        }

        // Group commit at work: posts waiting for the disk together share one transaction and one fsync.
        var grouped = medians.Where(r => r.Kind == "conversations" && !double.IsNaN(r.WritesPerCommit)).ToList();
        if (grouped.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("| scenario | Conversations: posts per SQLite commit (the hand-built hub: 1) |");
            text.AppendLine("|---|---:|");
            foreach (var r in grouped)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"| {r.Scenario} | {r.WritesPerCommit:N1} |");
            }
        }

        if (idle is { } i)
        {
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"| {i.Connections} idle connections, each following a conversation | KiB per connection |");
            text.AppendLine("|---|---:|");
            text.AppendLine(CultureInfo.InvariantCulture, $"| Conversations | {i.Ours:N1} |");
            text.AppendLine(CultureInfo.InvariantCulture, $"| hand-built SignalR + SQLite | {i.Theirs:N1} |");
        }

        return text.ToString();
    }

    /// <summary>Each figure's median over a server's rounds of one scenario; order violations are summed (any is a failure).</summary>
    private static Result Median(IEnumerable<Result> rounds)
    {
        var all = rounds.ToArray();
        double M(Func<Result, double> figure)
        {
            var sorted = all.Select(figure).Order().ToArray();
            return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
        }

        return new Result(all[0].Scenario, all[0].Kind, M(r => r.PostsPerSecond), M(r => r.AckP50), M(r => r.AckP99), M(r => r.DeliveryP50), M(r => r.DeliveryP99),
            M(r => r.CpuPerPost), M(r => r.CpuPerDelivery), M(r => r.ClientCpuPerDelivery), all.Sum(r => r.OrderViolations), M(r => r.WritesPerCommit));
    }

    private sealed record Scenario(string Name, int Rooms, int Members, int Posters, int PostsEach, int InFlight);

    private sealed record Result(string Scenario, string Kind, double PostsPerSecond, double AckP50, double AckP99, double DeliveryP50, double DeliveryP99, double CpuPerPost, double CpuPerDelivery, double ClientCpuPerDelivery, int OrderViolations, double WritesPerCommit)
    {
        public int Round { get; init; }
    }

    private sealed record Idle(int Connections, double Ours, double Theirs);
}
