using System.Globalization;
using Conversations.Storage;
using Xunit.Abstractions;

namespace Conversations.Sqlite.Tests;

/// <summary>
/// Kills a real child host — an auto-respond agent streaming its replies while a user keeps posting — at random moments
/// (before a flow starts, mid-stream, just after a reply completes), restarts it on the same file, and checks that every
/// acknowledged message was answered exactly once.
/// </summary>
public sealed class AgentCrashTests(ITestOutputHelper output)
{
    private const int Kills = 20;

    /// <summary>
    /// Invariants 1, 5, 7 and 8: after 20 SIGKILLs, every acknowledged user message has exactly one complete reply (or a
    /// dead trigger), no reply is duplicated, the log is gapless, nothing is left streaming, and a reply cut off
    /// mid-stream is kept as failed with the text streamed before the kill.
    /// </summary>
    [Fact]
    public async Task Invariants_1_7_8_AgentKilledAtRandomMoments_AnswersEveryAcknowledgedMessageExactlyOnce()
    {
        using var database = new TempDatabase();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(8));
        var seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        var acknowledged = new Dictionary<long, (string Id, long Sequence)>();
        var next = 1L;
        var midStreamKills = 0;
        string? conversationId = null;

        for (var run = 0; run < Kills; run++)
        {
            // Where to kill: after an acknowledgement (before its flow starts), after some deltas, or right after a reply completes.
            var (kind, count) = run == 0 ? (1, 5) : (random.Next(3), random.Next(1, 4));
            if (kind == 1)
            {
                count = random.Next(3, 11);
            }

            await using var child = CrashHostProcess.Start("agent", database.Path, next.ToString(CultureInfo.InvariantCulture));
            var seen = 0;
            var trigger = kind switch { 0 => "ACK ", 1 => "DELTA ", _ => "DONE " };
            void Parse(string line)
            {
                output.WriteLine($"[{run}] {line}");
                switch (line.Split(' '))
                {
                    case ["READY", var id]:
                        conversationId = id;
                        break;
                    case ["ACK", var index, var id, var sequence]:
                        var i = long.Parse(index, CultureInfo.InvariantCulture);
                        acknowledged[i] = (id, long.Parse(sequence, CultureInfo.InvariantCulture));
                        next = Math.Max(next, i + 1);
                        break;
                }

                if (line.StartsWith(trigger, StringComparison.Ordinal))
                {
                    seen++;
                }
            }

            await child.ReadUntilAsync(_ => seen >= count, Parse, timeout.Token);
            midStreamKills += kind == 1 ? 1 : 0;
            foreach (var line in await child.KillAsync(timeout.Token))
            {
                Parse(line);
            }
        }

        await using (var drain = CrashHostProcess.Start("drain", database.Path))
        {
            await drain.ReadUntilAsync(line => line == "DRAINED", line => output.WriteLine($"[drain] {line}"), timeout.Token);
        }

        output.WriteLine($"{acknowledged.Count} acknowledged messages, {midStreamKills} kills mid-stream");
        await using var store = new SqliteConversationStore(new SqliteStoreOptions { ConnectionString = database.ConnectionString });
        var log = await store.ReadLogAsync(conversationId!, 0, int.MaxValue, timeout.Token);
        log.Select(e => e.Sequence).Should().Equal(Enumerable.Range(1, log.Count).Select(i => (long)i), "invariant 1: the log stays gapless");
        var messages = await store.GetMessagesAsync(conversationId!, new HistoryQuery { After = 0, Limit = int.MaxValue }, timeout.Token);
        var triggers = await store.GetTriggersAsync(conversationId!, timeout.Token);
        messages.Should().NotContain(m => m.Status == MessageStatus.Streaming, "invariant 8: nothing is left streaming");
        triggers.Should().OnlyContain(t => t.Status != FlowTriggerStatus.Pending, "every trigger was run to the end");

        var userMessages = messages.Where(m => m.SenderId == "writer").ToArray();
        foreach (var (index, (id, sequence)) in acknowledged)
        {
            userMessages.Should().ContainSingle(m => m.ClientMessageId == $"u:{index}").Which.Id.Should().Be(id, "an acknowledged post is kept");
            _ = sequence;
        }

        var replies = messages.Where(m => m.SenderId == "assistant").ToArray();
        var partials = 0;
        foreach (var user in userMessages)
        {
            var expected = $"Answer to {user.Text}: one two three four five six seven eight nine ten eleven twelve";
            var mine = replies.Where(r => r.ReplyToId == user.Id).ToArray();
            var dead = triggers.Single(t => t.Sequence == user.Sequence).Status == FlowTriggerStatus.Dead;
            var trigger = triggers.Single(t => t.Sequence == user.Sequence);
            mine.Count(r => r.Status == MessageStatus.Complete).Should().Be(dead ? 0 : 1, $"message {user.ClientMessageId} is answered exactly once (trigger {trigger.Status} after {trigger.Attempts} attempts; replies: {string.Join(", ", mine.Select(r => $"{r.ClientMessageId} {r.Status} {r.Text.Length}"))})");
            mine.Where(r => r.Status == MessageStatus.Complete).Should().OnlyContain(r => r.Text == expected);
            foreach (var failed in mine.Where(r => r.Status == MessageStatus.Failed))
            {
                expected.Should().StartWith(failed.Text, "a reply cut off mid-stream keeps a prefix of what was streamed");
                partials += failed.Text.Length > 0 ? 1 : 0;
            }
        }

        replies.Should().OnlyContain(r => r.ReplyToId != null && userMessages.Any(u => u.Id == r.ReplyToId));
        partials.Should().BeGreaterThan(0, "a kill mid-stream keeps the checkpointed text of the reply it cut off");
    }
}
