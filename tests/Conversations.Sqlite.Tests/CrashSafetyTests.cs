using System.Globalization;
using Conversations.Testing;
using Xunit.Abstractions;

namespace Conversations.Sqlite.Tests;

/// <summary>Kills a real child process that posts continuously, restarts it on the same file, and checks what survived.</summary>
public sealed class CrashSafetyTests(ITestOutputHelper output)
{
    private const int Posters = 4;
    private const int Kills = 20;

    /// <summary>
    /// Invariants 1, 2, 6 and 8: every acknowledged post survives a SIGKILL at a random moment, sequences stay
    /// gapless, retrying an unacknowledged post with its client message id stores it exactly once, and a message
    /// left streaming by the killed process is failed at the next start.
    /// </summary>
    [Fact]
    public async Task Invariants_1_2_6_8_KilledAtRandomMoments_KeepEveryAcknowledgedPost()
    {
        using var database = new TempDatabase();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(8));
        var seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        var next = Enumerable.Repeat(1L, Posters).ToArray();
        var acknowledged = new Dictionary<string, (string Id, long Sequence)>(StringComparer.Ordinal);
        var streams = new List<string>();
        string? conversationId = null;

        for (var run = 0; run < Kills; run++)
        {
            var target = random.Next(1, 200);
            await using var process = CrashHostProcess.Start(["posts", database.Path, .. next.Select(n => n.ToString(CultureInfo.InvariantCulture))]);
            var seen = 0;
            await process.ReadUntilAsync(_ => seen >= target, line =>
            {
                if (Parse(line, next, acknowledged, streams, ref conversationId))
                {
                    seen++;
                }
            }, timeout.Token);

            // Lines written before the kill are still acknowledged posts.
            foreach (var line in await process.KillAsync(timeout.Token))
            {
                Parse(line, next, acknowledged, streams, ref conversationId);
            }
        }

        output.WriteLine($"{acknowledged.Count} acknowledged posts over {Kills} kills");
        acknowledged.Count.Should().BeGreaterThan(Kills);

        // The next start fails the last orphaned stream once its owner's lease ends (the drain waits for that) ...
        await using (var drain = CrashHostProcess.Start("drain", database.Path))
        {
            await drain.ReadUntilAsync(line => line == "DRAINED", _ => { }, timeout.Token);
        }

        // ... and each poster's unacknowledged post is retried.
        await using var host = await ConversationsTestHost.StartAsync(b => b.UseSqlite(database.ConnectionString), timeout.Token);
        var writer = Account.User("writer");
        for (var poster = 0; poster < Posters; poster++)
        {
            var clientId = $"{poster}:{next[poster]}";
            var retried = await host.Messages.PostAsync(writer, conversationId!, new PostMessageRequest { Text = clientId, ClientMessageId = clientId }, timeout.Token);
            retried.ClientMessageId.Should().Be(clientId);
        }

        var store = host.Store;
        var messages = await store.GetMessagesAsync(conversationId!, new HistoryQuery { After = 0, Limit = int.MaxValue }, timeout.Token);
        var log = await store.ReadLogAsync(conversationId!, 0, int.MaxValue, timeout.Token);
        var conversation = await store.GetConversationAsync(conversationId!, timeout.Token);

        log.Select(e => e.Sequence).Should().Equal(Enumerable.Range(1, log.Count).Select(i => (long)i), "sequences are gapless");
        conversation!.LastSequence.Should().Be(log.Count);
        foreach (var (clientId, (id, sequence)) in acknowledged)
        {
            var stored = messages.Where(m => m.ClientMessageId == clientId).Should().ContainSingle($"acknowledged post {clientId} is stored once").Subject;
            (stored.Id, stored.Sequence).Should().Be((id, sequence));
        }

        var byClientId = messages.Where(m => m.ClientMessageId is not null).GroupBy(m => m.ClientMessageId!).ToDictionary(g => g.Key, g => g.Count());
        byClientId.Values.Should().OnlyContain(count => count == 1, "a retried post is stored exactly once");
        for (var poster = 0; poster < Posters; poster++)
        {
            for (var index = 1L; index <= next[poster]; index++)
            {
                byClientId.Should().ContainKey($"{poster}:{index}");
            }
        }

        (await store.GetStreamingMessagesAsync(timeout.Token)).Should().BeEmpty("invariant 8: no message is left streaming after a restart");
        streams.Should().HaveCount(Kills);
        foreach (var streamId in streams)
        {
            var stream = messages.Single(m => m.Id == streamId);
            stream.Status.Should().Be(MessageStatus.Failed);
            stream.Text.Should().Be("partial text", "the text streamed before the kill was checkpointed and kept");
        }
    }

    private static bool Parse(string line, long[] next, Dictionary<string, (string Id, long Sequence)> acknowledged, List<string> streams, ref string? conversationId)
    {
        var parts = line.Trim().Split(' ');
        switch (parts)
        {
            case ["ACK", var poster, var index, var id, var sequence]:
                var p = int.Parse(poster, CultureInfo.InvariantCulture);
                var i = long.Parse(index, CultureInfo.InvariantCulture);
                acknowledged[$"{p}:{i}"] = (id, long.Parse(sequence, CultureInfo.InvariantCulture));
                next[p] = Math.Max(next[p], i + 1);
                return true;
            case ["STREAM", var id]:
                streams.Add(id);
                return false;
            case ["READY", var id]:
                conversationId = id;
                return false;
            default:
                return false;
        }
    }
}
