using System.Collections.Concurrent;
using System.Globalization;
using Conversations.Storage;
using Conversations.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Conversations.Sqlite.Tests;

/// <summary>
/// Two agent processes on one SQLite file, fed by a third engine that only posts: the store alone decides who runs what.
/// </summary>
public sealed class TwoProcessFlowTests
{
    /// <summary>
    /// Invariant 7 across processes: every trigger runs exactly once, one at a time and in sequence order per
    /// (conversation, agent); when one process is killed mid-flow, the other finishes its work once the lease ends, and
    /// every message still has exactly one complete reply.
    /// </summary>
    [Fact]
    public async Task Invariant7_TwoProcessesOneFile_RunEachTriggerOnceInOrder_AndTakeOverAfterAKill()
    {
        using var database = new TempDatabase();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(8));
        var runs = Path.Combine(database.Directory, "runs.log");

        // The posting engine runs no flows (no flow engine registered), so it never takes a trigger.
        await using var poster = await ConversationsTestHost.StartAsync(b =>
        {
            b.UseSqlite(database.ConnectionString);
            b.Services.RemoveAll<IFlowEngine>();
        }, timeout.Token);
        var writer = Account.User("writer");
        var room = await poster.Rooms.CreateRoomAsync(writer, new CreateRoomRequest { Participants = [ParticipantSpec.Agent("assistant")] }, timeout.Token);
        var lanes = new[]
        {
            await poster.Conversations.CreateAsync(writer, room.Id, cancellationToken: timeout.Token),
            await poster.Conversations.CreateAsync(writer, room.Id, cancellationToken: timeout.Token),
        };

        var done = new ConcurrentDictionary<(string Conversation, long Sequence), int>();
        var started = new ConcurrentQueue<(int Pid, string Conversation, long Sequence)>();
        await using var a = CrashHostProcess.Start("serve", database.Path, runs);
        await using var b2 = CrashHostProcess.Start("serve", database.Path, runs);
        var readers = new[] { a, b2 }.Select(child => Task.Run(async () =>
        {
            try
            {
                await child.ReadUntilAsync(_ => false, line =>
                {
                    switch (line.Split(' '))
                    {
                        case ["DONE", var sequence, _, var conversation]:
                            done.AddOrUpdate((conversation, long.Parse(sequence, CultureInfo.InvariantCulture)), 1, (_, n) => n + 1);
                            break;
                        case ["START", var conversation, var sequence, _, _]:
                            started.Enqueue((child.Id, conversation, long.Parse(sequence, CultureInfo.InvariantCulture)));
                            break;
                    }
                }, timeout.Token);
            }
            catch (InvalidOperationException)
            {
                // The child was killed.
            }
        })).ToArray();

        // Phase 1: 2 × 12 messages, both processes competing for them.
        var posted = new List<Message>();
        for (var i = 0; i < 12; i++)
        {
            foreach (var lane in lanes)
            {
                posted.Add(await poster.Messages.PostTextAsync(writer, lane.Id, $"m{i}", cancellationToken: timeout.Token));
            }
        }

        await WaitUntilAsync(() => posted.All(m => done.ContainsKey((m.ConversationId, m.Sequence))), timeout.Token);
        var lines = await File.ReadAllLinesAsync(runs, timeout.Token);
        foreach (var lane in lanes)
        {
            // One at a time, in order: the lane's lines alternate START s, END s with s rising, whichever process wrote them.
            var laneLines = lines.Select(l => l.Split(' ')).Where(p => p[1] == lane.Id).ToArray();
            var expected = posted.Where(m => m.ConversationId == lane.Id).Select(m => m.Sequence).ToArray();
            laneLines.Select(p => (p[0], long.Parse(p[2], CultureInfo.InvariantCulture)))
                .Should().Equal(expected.SelectMany(s => new[] { ("START", s), ("END", s) }), "every trigger ran exactly once, one at a time, in sequence order");
        }

        // Phase 2: kill whichever process starts the next flow; the other takes over once the lease ends.
        var before = started.Count;
        var more = new List<Message>();
        for (var i = 0; i < 4; i++)
        {
            // The first attempt at the first of them holds until its process is killed (see CrashAgent).
            more.Add(await poster.Messages.PostTextAsync(writer, lanes[0].Id, i == 0 ? "hold n0" : $"n{i}", cancellationToken: timeout.Token));
        }

        await WaitUntilAsync(() => started.Count > before, timeout.Token);
        var victim = started.Skip(before).First();
        await (victim.Pid == a.Id ? a : b2).KillOnlyAsync(timeout.Token);
        await WaitUntilAsync(() => more.All(m => done.ContainsKey((m.ConversationId, m.Sequence))), timeout.Token);

        var survivor = victim.Pid == a.Id ? b2.Id : a.Id;
        var attempts = started.Where(s => s.Conversation == victim.Conversation && s.Sequence == victim.Sequence).Select(s => s.Pid).ToArray();
        attempts.Should().Equal([victim.Pid, survivor], "the killed process's trigger is run again by the other one");
        var messages = await poster.Store.GetMessagesAsync(lanes[0].Id, new HistoryQuery { After = 0, Limit = 1000 }, timeout.Token);
        foreach (var message in posted.Concat(more).Where(m => m.ConversationId == lanes[0].Id))
        {
            messages.Count(r => r.ReplyToId == message.Id && r.Status == MessageStatus.Complete).Should().Be(1, $"{message.Text} has exactly one complete reply");
        }

        // A child prints DONE from inside the flow, just before its process records the trigger done: wait for that
        // record (the deadline bounds it), then check nothing is left behind.
        while ((await poster.Store.GetTriggerBacklogAsync(timeout.Token)).Pending > 0)
        {
            await Task.Delay(20, timeout.Token);
        }

        (await poster.Store.GetTriggersAsync(lanes[0].Id, timeout.Token)).Should().OnlyContain(t => t.Status == FlowTriggerStatus.Done, "no trigger was left pending or given up");
        await a.DisposeAsync();
        await b2.DisposeAsync();
        await Task.WhenAll(readers);
    }

    /// <summary>Waits for a condition that other processes make true; a deadline, not a delay, bounds it.</summary>
    private static async Task WaitUntilAsync(Func<bool> condition, CancellationToken cancellationToken)
    {
        while (!condition())
        {
            await Task.Delay(20, cancellationToken);
        }
    }
}
