using Conversations.Testing;
using Xunit.Abstractions;
using static Conversations.Tests.TestSupport;

namespace Conversations.Tests;

/// <summary>Subscribers that arrive while a reply streams: a snapshot of the text so far, then every later delta, once.</summary>
public sealed class MidStreamJoinTests(ITestOutputHelper output)
{
    private static readonly Account Alice = Account.User("alice");
    private static readonly Account Bob = Account.User("bob");

    /// <summary>
    /// Invariant 8, fuzzed: 200 subscribers join streams at random delta indexes — as a fresh page load (from sequence 0)
    /// or as a client that already saw the post (resuming after it), at a quiet moment or while deltas are being appended —
    /// and each assembles exactly the final text, with no gap and no repeat.
    /// </summary>
    [Fact]
    public async Task Invariant8_JoiningAtRandomDeltaIndexes_AssemblesExactlyTheFinalText()
    {
        await using var host = await ConversationsTestHost.StartAsync();
        var (_, conversation) = await RoomWithConversationAsync(host, Alice, ParticipantSpec.User("bob"));
        var seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);

        for (var trial = 0; trial < 200; trial++)
        {
            var chunks = Enumerable.Range(0, 30).Select(i => $"{trial}.{i} ").ToArray();
            var joinAt = random.Next(0, chunks.Length + 1);
            var resume = random.Next(2) == 0;
            var racing = random.Next(2) == 0;
            var stream = await host.Messages.BeginStreamAsync(Alice, conversation.Id);
            foreach (var chunk in chunks.Take(joinAt))
            {
                await stream.AppendAsync(chunk);
            }

            var received = new List<ConversationEvent>();
            var joined = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var after = resume ? stream.Message.Sequence : 0;
            var subscriber = Task.Run(async () =>
            {
                await foreach (var e in host.Messages.SubscribeAsync(Bob, conversation.Id, after, Timeout()))
                {
                    received.Add(e);
                    if ((joinAt == 0 && e is MessagePostedEvent { Message.Id: var posted } && posted == stream.Message.Id) || e is MessageSnapshotEvent)
                    {
                        // The subscriber has reached this stream — its snapshot, when deltas came before — so the stream
                        // cannot end before the snapshot is taken: what follows is the join being tested.
                        joined.TrySetResult();
                    }

                    if (e is MessageUpdatedEvent updated && updated.Message.Id == stream.Message.Id)
                    {
                        return;
                    }
                }
            });
            if (!racing)
            {
                await joined.Task.WaitAsync(Timeout());
            }

            foreach (var chunk in chunks.Skip(joinAt))
            {
                await stream.AppendAsync(chunk);
            }

            var final = await stream.CompleteAsync();
            await subscriber.WaitAsync(Timeout());

            var streamed = received.TakeWhile(e => e is not MessageUpdatedEvent { Message.Status: MessageStatus.Complete } u || u.Message.Id != final.Id).ToArray();
            var assembled = AssembleStrictly(streamed, final.Id, postSeenBefore: resume);
            if (!racing || received.OfType<MessageDeltaEvent>().Any(d => d.MessageId == final.Id))
            {
                assembled.Should().Be(final.Text, $"trial {trial}: joined at delta {joinAt}, resume={resume}, racing={racing}");
            }
            else
            {
                // Joined after the stream ended: the post read from the store already carries the whole text.
                final.Text.Should().StartWith(assembled, $"trial {trial}");
            }
        }
    }
}
