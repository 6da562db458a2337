using System.Collections.Concurrent;
using Conversations.Storage;
using Conversations.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using static Conversations.Tests.TestSupport;

namespace Conversations.Tests;

/// <summary>
/// How many store calls a post and an agent's streamed reply cost once the room is warm: every call is a round trip to
/// PostgreSQL, so the count is part of the engine's contract with a networked store.
/// </summary>
public sealed class StoreRoundTripTests
{
    private static readonly Account Alice = Account.User("alice");

    [Fact]
    public async Task A_post_in_a_room_without_agents_is_one_store_call()
    {
        var store = new CountingStore(new InMemoryConversationStore());
        await using var host = await ConversationsTestHost.StartAsync(b => b.Services.Replace(ServiceDescriptor.Singleton<ConversationStore>(store)));
        var (_, conversation) = await RoomWithConversationAsync(host, Alice, ParticipantSpec.User("bob"));
        await host.Messages.PostTextAsync(Alice, conversation.Id, "warm-up");
        await host.WhenFlowsIdleAsync(Timeout());

        store.Reset();
        await host.Messages.PostTextAsync(Alice, conversation.Id, "hello");
        await host.WhenFlowsIdleAsync(Timeout());

        store.Calls().Should().Equal(new Dictionary<string, int> { ["AppendMessageAsync"] = 1 });
    }

    [Fact]
    public async Task A_post_and_the_agents_streamed_reply_take_at_most_six_store_calls()
    {
        var store = new CountingStore(new InMemoryConversationStore());
        await using var host = await ConversationsTestHost.StartAsync(b => b.Services.Replace(ServiceDescriptor.Singleton<ConversationStore>(store)));
        host.FlowEngine.StreamReply("on", " it");
        var (_, conversation) = await RoomWithConversationAsync(host, Alice, ParticipantSpec.Agent("bot"));
        await host.Messages.PostTextAsync(Alice, conversation.Id, "warm-up");
        await host.WhenFlowsIdleAsync(Timeout());

        store.Reset();
        var question = await host.Messages.PostTextAsync(Alice, conversation.Id, "are you there?");
        await host.WhenFlowsIdleAsync(Timeout());

        var calls = store.Calls();
        var history = (await host.Messages.GetHistoryAsync(Alice, conversation.Id, HistoryQuery.Latest(10))).Messages;
        history.Should().ContainSingle(m => m.ReplyToId == question.Id && m.Text == "on it" && m.Status == MessageStatus.Complete);
        calls.Values.Sum().Should().BeLessThanOrEqualTo(6, "calls: {0}", string.Join(", ", calls.Select(c => $"{c.Key} × {c.Value}")));
        calls.Should().Equal(new Dictionary<string, int>
        {
            ["AppendMessageAsync"] = 2, // the question, then the reply as it begins to stream
            ["ClaimTriggersAsync"] = 1, // once, although the post rings twice (here and as its echo on the bus)
            ["GetMessageAsync"] = 1, // the question, for the flow (it may have been edited meanwhile)
            ["UpdateMessageAsync"] = 1, // the reply completes
            ["CompleteTriggerAsync"] = 1,
        });
    }

    /// <summary>
    /// A finishing run skips the next claim only when nothing can wait for it: posts that arrive while an agent is busy are
    /// all answered, in order, without the clock moving (the poll never runs).
    /// </summary>
    [Fact]
    public async Task Posts_made_while_the_agent_is_busy_are_all_answered_without_the_poll()
    {
        var store = new CountingStore(new InMemoryConversationStore());
        await using var host = await ConversationsTestHost.StartAsync(b => b.Services.Replace(ServiceDescriptor.Singleton<ConversationStore>(store)));
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        host.FlowEngine.OnTrigger(async (context, ct) =>
        {
            if (context.Trigger.Message is not { } message)
            {
                return;
            }

            started.TrySetResult();
            await release.Task.WaitAsync(ct);
            await context.ReplyAsync($"re: {message.Text}", ct);
        });
        var (_, conversation) = await RoomWithConversationAsync(host, Alice, ParticipantSpec.Agent("bot"));
        await host.WhenFlowsIdleAsync(Timeout());

        await host.Messages.PostTextAsync(Alice, conversation.Id, "q0");
        await started.Task.WaitAsync(Timeout());
        for (var i = 1; i < 5; i++)
        {
            await host.Messages.PostTextAsync(Alice, conversation.Id, $"q{i}");
        }

        var before = host.Time.GetUtcNow();
        release.SetResult();
        await host.WhenFlowsIdleAsync(Timeout());

        // The test clock moves a millisecond per reading: far from the poll interval, so no poll ran.
        (host.Time.GetUtcNow() - before).Should().BeLessThan(host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ConversationsOptions>>().Value.PollInterval);
        var history = (await host.Messages.GetHistoryAsync(Alice, conversation.Id, HistoryQuery.Latest(20))).Messages;
        history.Where(m => m.SenderId == "bot").Select(m => m.Text).Should().Equal("re: q0", "re: q1", "re: q2", "re: q3", "re: q4");
    }

    /// <summary>Counts the calls of the engine's hot paths; everything else passes through uncounted.</summary>
    private sealed class CountingStore(ConversationStore inner) : DelegatingConversationStore(inner)
    {
        private readonly ConcurrentDictionary<string, int> _calls = new(StringComparer.Ordinal);

        public void Reset() => _calls.Clear();

        public Dictionary<string, int> Calls() => _calls.ToDictionary(c => c.Key, c => c.Value, StringComparer.Ordinal);

        public override ValueTask<AppendResult> AppendMessageAsync(Message message, AppendOptions options, CancellationToken cancellationToken) =>
            Count(base.AppendMessageAsync(message, options, cancellationToken));

        public override ValueTask<UpdateResult> UpdateMessageAsync(Message message, CancellationToken cancellationToken) =>
            Count(base.UpdateMessageAsync(message, cancellationToken));

        public override ValueTask<Message?> GetMessageAsync(string conversationId, string messageId, CancellationToken cancellationToken) =>
            Count(base.GetMessageAsync(conversationId, messageId, cancellationToken));

        public override ValueTask<IReadOnlyList<Message>> GetMessagesAsync(string conversationId, HistoryQuery query, CancellationToken cancellationToken) =>
            Count(base.GetMessagesAsync(conversationId, query, cancellationToken));

        public override ValueTask<IReadOnlyList<LogEntry>> ReadLogAsync(string conversationId, long afterSequence, int limit, CancellationToken cancellationToken) =>
            Count(base.ReadLogAsync(conversationId, afterSequence, limit, cancellationToken));

        public override ValueTask<Conversation?> GetConversationAsync(string conversationId, CancellationToken cancellationToken) =>
            Count(base.GetConversationAsync(conversationId, cancellationToken));

        public override ValueTask<Room?> GetRoomAsync(string roomId, CancellationToken cancellationToken) =>
            Count(base.GetRoomAsync(roomId, cancellationToken));

        public override ValueTask<Participant?> GetParticipantAsync(string roomId, string accountId, CancellationToken cancellationToken) =>
            Count(base.GetParticipantAsync(roomId, accountId, cancellationToken));

        public override ValueTask<IReadOnlyList<Participant>> GetParticipantsAsync(string roomId, CancellationToken cancellationToken) =>
            Count(base.GetParticipantsAsync(roomId, cancellationToken));

        public override ValueTask<bool> CheckpointStreamAsync(StreamCheckpoint checkpoint, CancellationToken cancellationToken) =>
            Count(base.CheckpointStreamAsync(checkpoint, cancellationToken));

        public override ValueTask<IReadOnlyList<FlowTriggerRecord>> ClaimTriggersAsync(TriggerClaim claim, CancellationToken cancellationToken) =>
            Count(base.ClaimTriggersAsync(claim, cancellationToken));

        public override ValueTask<bool> RenewTriggerLeaseAsync(FlowTriggerKey key, string owner, DateTimeOffset leaseExpiresAt, CancellationToken cancellationToken) =>
            Count(base.RenewTriggerLeaseAsync(key, owner, leaseExpiresAt, cancellationToken));

        public override ValueTask<bool> CompleteTriggerAsync(FlowTriggerKey key, string owner, TriggerCompletion completion, CancellationToken cancellationToken) =>
            Count(base.CompleteTriggerAsync(key, owner, completion, cancellationToken));

        public override ValueTask<IReadOnlyList<FlowTriggerRecord>> GetTriggersAsync(string conversationId, CancellationToken cancellationToken) =>
            Count(base.GetTriggersAsync(conversationId, cancellationToken));

        private ValueTask<T> Count<T>(ValueTask<T> call, [System.Runtime.CompilerServices.CallerMemberName] string name = "")
        {
            _calls.AddOrUpdate(name, 1, static (_, n) => n + 1);
            return call;
        }
    }
}
