using Xunit.Abstractions;

namespace Conversations.AspNetCore.Tests;

/// <summary>Mid-stream joins, racing edits and deletes, and slow readers, over real sockets.</summary>
public sealed class StoreIsTruthWireTests(ITestOutputHelper output)
{
    private static readonly Account Alice = Account.User("alice");

    /// <summary>
    /// Invariant 8 over the wire, fuzzed: 200 subscriptions from the .NET client join replies at random delta indexes (a
    /// fresh load from sequence 0, or resuming right after the post) and each assembles exactly the final text from the
    /// snapshot and the deltas after it.
    /// </summary>
    [Fact]
    public async Task Invariant8_JoiningAtRandomDeltaIndexesOverTheWire_AssemblesExactlyTheFinalText()
    {
        await using var server = await TestServer.StartAsync();
        await using var bob = await server.ConnectClientAsync("bob");
        var (room, _) = await server.CreateRoomAsync("alice", "bob");
        using var safety = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);

        for (var trial = 0; trial < 200; trial++)
        {
            var conversation = await server.Conversations.CreateAsync(Account.System, room.Id, cancellationToken: safety.Token);
            var chunks = Enumerable.Range(0, 20).Select(i => $"{trial}.{i} ").ToArray();
            var joinAt = random.Next(0, chunks.Length + 1);
            var resume = random.Next(2) == 0;
            var stream = await server.Messages.BeginStreamAsync(Alice, conversation.Id, cancellationToken: safety.Token);
            foreach (var chunk in chunks.Take(joinAt))
            {
                await stream.AppendAsync(chunk, safety.Token);
            }

            var assembler = new StreamedTextAssembler();
            if (resume)
            {
                // The client saw the post before it lost track: it resumes right after it.
                assembler.Apply(new MessagePostedEvent { RoomId = room.Id, ConversationId = conversation.Id, ActorId = "alice", Timestamp = stream.Message.CreatedAt, Sequence = stream.Message.Sequence, Message = stream.Message });
            }

            var joined = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var deltas = new List<int>();
            var seen = new List<string>();
            string? beforeCompletion = null;
            var subscriber = Task.Run(async () =>
            {
                await foreach (var e in bob.SubscribeAsync(conversation.Id, resume ? stream.Message.Sequence : 0, safety.Token))
                {
                    // Joined once the server has caught this subscriber up with the stream: its snapshot (when any delta came
                    // before), or the post of a stream that has not begun. Appending only then keeps the stream from ending
                    // before the server took the snapshot — which would rightly show the stored text, then the final one.
                    if (e is MessageSnapshotEvent || (joinAt == 0 && e is MessagePostedEvent))
                    {
                        joined.TrySetResult();
                    }

                    seen.Add(e switch
                    {
                        MessageDeltaEvent d => $"delta {d.Index}",
                        MessageSnapshotEvent s => $"snapshot {s.DeltaCount}",
                        MessageLogEvent l => $"{e.Type} {l.Sequence} {l.Message.Status} \"{l.Message.Text}\"",
                        _ => e.Type.ToString(),
                    });
                    if (e is MessageUpdatedEvent)
                    {
                        return;
                    }

                    if (e is MessageDeltaEvent delta)
                    {
                        deltas.Add(delta.Index);
                    }

                    beforeCompletion = assembler.Apply(e) ?? beforeCompletion;
                }
            });
            await joined.Task.WaitAsync(safety.Token);
            foreach (var chunk in chunks.Skip(joinAt))
            {
                await stream.AppendAsync(chunk, safety.Token);
            }

            var final = await stream.CompleteAsync(safety.Token);
            await subscriber.WaitAsync(safety.Token);
            beforeCompletion.Should().Be(final.Text, $"trial {trial}: joined at delta {joinAt}, resume={resume}, saw [{string.Join(", ", seen)}]");
            deltas.Should().BeInAscendingOrder().And.OnlyHaveUniqueItems($"trial {trial}: no delta repeats");
        }
    }

    /// <summary>
    /// Invariant 10 over the wire: 200 races of an edit and a delete of one message from two sockets. The message always
    /// ends deleted and empty; when both were acknowledged, the edit came first.
    /// </summary>
    [Fact]
    public async Task Invariant10_RacingEditAndDeleteFromTwoSockets_TheMessageAlwaysEndsDeleted()
    {
        await using var server = await TestServer.StartAsync();
        await using var editor = await server.ConnectClientAsync("alice");
        await using var deleter = await server.ConnectClientAsync("alice");
        var (_, conversation) = await server.CreateRoomAsync("alice", "bob");
        var bothAcknowledged = 0;

        for (var i = 0; i < 200; i++)
        {
            var message = await editor.PostTextAsync(conversation.Id, $"original {i}");
            var edit = Task.Run(() => editor.EditAsync(conversation.Id, message.Id, new EditMessageRequest { Text = $"edited {i}" }));
            var delete = Task.Run(() => deleter.DeleteAsync(conversation.Id, message.Id));
            var deleted = await delete;
            deleted.IsDeleted.Should().BeTrue();
            try
            {
                var edited = await edit;
                edited.LastSequence.Should().BeLessThan(deleted.LastSequence, "an acknowledged edit was stored before the delete");
                bothAcknowledged++;
            }
            catch (ConflictException)
            {
                // The delete came first; the edit was refused and changed nothing.
            }

            var stored = (await server.Messages.GetHistoryAsync(Alice, conversation.Id, new HistoryQuery { After = message.Sequence - 1, Limit = 1 })).Messages.Single();
            (stored.IsDeleted, stored.Text).Should().Be((true, string.Empty), $"race {i}: a deleted message stays deleted");
        }

        output.WriteLine($"{bothAcknowledged} of 200 races acknowledged both the edit and the delete");
    }

    /// <summary>A .NET client whose reader stalls past its buffer drops events, then resubscribes from its last sequence: it still sees every message once, in order.</summary>
    [Fact]
    public async Task ClientSubscription_OverflowingItsBuffer_ResumesFromTheStoreWithNothingMissedOrRepeated()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await server.ConnectClientAsync("alice", o => o.SubscriptionBufferCapacity = 16);
        var (_, conversation) = await server.CreateRoomAsync("alice", "bob");
        using var safety = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await using var events = alice.SubscribeAsync(conversation.Id, 0, safety.Token).GetAsyncEnumerator(safety.Token);

        var first = events.MoveNextAsync();
        await server.Messages.PostTextAsync(Alice, conversation.Id, "m1");
        (await first).Should().BeTrue();
        for (var i = 2; i <= 300; i++)
        {
            await server.Messages.PostTextAsync(Alice, conversation.Id, $"m{i}");
        }

        var sequences = new List<long> { ((MessagePostedEvent)events.Current).Sequence };
        while (sequences[^1] < 300 && await events.MoveNextAsync())
        {
            if (events.Current is MessagePostedEvent posted)
            {
                sequences.Add(posted.Sequence);
            }
        }

        sequences.Should().Equal(Enumerable.Range(1, 300).Select(i => (long)i));
    }
}
