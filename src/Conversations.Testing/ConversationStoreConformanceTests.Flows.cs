// Test code awaited by xunit: ConfigureAwait adds nothing here.
#pragma warning disable CA2007

using Conversations.Storage;
using Xunit;

namespace Conversations.Testing;

public abstract partial class ConversationStoreConformanceTests
{
    /// <summary>Invariant 10: an update carrying a stale <see cref="Message.LastSequence"/> is refused and changes nothing.</summary>
    /// <returns>A task for the test.</returns>
    [Fact]
    public async Task Invariant10_StaleUpdate_IsRefusedAndChangesNothing()
    {
        var (_, conversation) = await CreateConversationAsync();
        var posted = (await Store.AppendMessageAsync(Draft(conversation, "alice", "v1"), AppendOptions.None, Timeout)).Message;

        var first = await Store.UpdateMessageAsync(posted.WithText("v2"), Timeout);
        Assert.Equal(UpdateOutcome.Updated, first.Outcome);
        Assert.Equal(2, first.Message!.LastSequence);

        var stale = await Store.UpdateMessageAsync(posted.WithText("v3 from a stale read"), Timeout);
        Assert.Equal(UpdateOutcome.Conflict, stale.Outcome);
        Assert.Equal(("v2", 2L), (stale.Message!.Text, stale.Message.LastSequence));
        Assert.Equal("v2", (await Store.GetMessageAsync(conversation.Id, posted.Id, Timeout))!.Text);
        Assert.Equal(2, (await Store.GetConversationAsync(conversation.Id, Timeout))!.LastSequence);
    }

    /// <summary>Invariant 10: a deleted message never changes again, whatever sequence the writer read.</summary>
    /// <returns>A task for the test.</returns>
    [Fact]
    public async Task Invariant10_DeletedMessage_StaysDeleted()
    {
        var (_, conversation) = await CreateConversationAsync();
        var posted = (await Store.AppendMessageAsync(Draft(conversation, "alice", "secret"), AppendOptions.None, Timeout)).Message;
        var deleted = (await Store.UpdateMessageAsync(posted.Deleted(Host.Time.GetUtcNow()), Timeout)).Message!;

        var edit = await Store.UpdateMessageAsync(deleted.WithText("resurrected"), Timeout);
        Assert.Equal(UpdateOutcome.Conflict, edit.Outcome);
        var undelete = await Store.UpdateMessageAsync(deleted.WithText("back").Undeleted(), Timeout);
        Assert.Equal(UpdateOutcome.Conflict, undelete.Outcome);

        var stored = await Store.GetMessageAsync(conversation.Id, posted.Id, Timeout);
        Assert.True(stored!.IsDeleted);
        Assert.Equal(string.Empty, stored.Text);
        Assert.Equal(2, (await Store.GetConversationAsync(conversation.Id, Timeout))!.LastSequence);
    }

    /// <summary>
    /// Invariant 10: 100 messages, each raced by an edit on one store instance and a delete on another (retrying once on a
    /// lost race, as the services do): exactly one writer wins each round, and every message ends deleted and empty.
    /// </summary>
    /// <returns>A task for the test.</returns>
    [Fact]
    public async Task Invariant10_ConcurrentEditDeletePairs_TwoInstances_DeleteAlwaysWins()
    {
        var (_, conversation) = await CreateConversationAsync();
        var second = await OpenSecondStoreAsync();
        var messages = new List<Message>();
        for (var i = 0; i < 100; i++)
        {
            messages.Add((await Store.AppendMessageAsync(Draft(conversation, "alice", $"m{i}"), AppendOptions.None, Timeout)).Message);
        }

        var now = Host.Time.GetUtcNow();
        var outcomes = await Task.WhenAll(messages.Select(m => Task.Run(async () =>
        {
            var edit = Task.Run(async () => await Store.UpdateMessageAsync(m.WithText(m.Text + " (edited)"), Timeout));
            var delete = Task.Run(async () =>
            {
                var result = await second.UpdateMessageAsync(m.Deleted(now), Timeout);
                if (result.Outcome == UpdateOutcome.Conflict && !result.Message!.IsDeleted)
                {
                    result = await second.UpdateMessageAsync(result.Message.Deleted(now), Timeout);
                }

                return result;
            });
            return (Edit: await edit, Delete: await delete);
        })));

        foreach (var (edit, delete) in outcomes)
        {
            Assert.Equal(UpdateOutcome.Updated, delete.Outcome);
            if (edit.Outcome == UpdateOutcome.Updated)
            {
                Assert.True(edit.Message!.LastSequence < delete.Message!.LastSequence, "an acknowledged edit comes before the delete that won");
            }
            else
            {
                Assert.Equal(UpdateOutcome.Conflict, edit.Outcome);
            }
        }

        foreach (var m in messages)
        {
            var stored = await second.GetMessageAsync(conversation.Id, m.Id, Timeout);
            Assert.True(stored!.IsDeleted);
            Assert.Equal(string.Empty, stored.Text);
        }

        var log = await Store.ReadLogAsync(conversation.Id, 0, 10_000, Timeout);
        Assert.Equal(Enumerable.Range(1, log.Count).Select(i => (long)i), log.Select(e => e.Sequence));
    }

    /// <summary>
    /// Invariant 7: an append records, in the same write, one trigger for each auto-respond agent other than the sender;
    /// an idempotent repeat records none; a new conversation records a conversation-created trigger.
    /// </summary>
    /// <returns>A task for the test.</returns>
    [Fact]
    public async Task Invariant7_Triggers_AreRecordedWithTheMessage()
    {
        var conversation = await CreateAgentConversationAsync("ann", "bert");
        var created = await Store.GetTriggersAsync(conversation.Id, Timeout);
        Assert.Equal(new[] { ("ann", 0L, FlowTriggerKind.ConversationCreated), ("bert", 0L, FlowTriggerKind.ConversationCreated) }, created.Select(t => (t.AgentId, t.Sequence, t.Kind)));

        var byAlice = await Store.AppendMessageAsync(Draft(conversation, "alice", "hi", clientMessageId: "k1"), new AppendOptions { CreateTriggers = true }, Timeout);
        Assert.Equal(2, byAlice.TriggersCreated);
        var byAnn = await Store.AppendMessageAsync(AgentDraft(conversation, "ann", "hello", depth: 1), new AppendOptions { CreateTriggers = true }, Timeout);
        Assert.Equal(1, byAnn.TriggersCreated);
        var quiet = await Store.AppendMessageAsync(Draft(conversation, "alice", "no agents please"), AppendOptions.None, Timeout);
        Assert.Equal(0, quiet.TriggersCreated);
        var repeat = await Store.AppendMessageAsync(Draft(conversation, "alice", "hi again", clientMessageId: "k1"), new AppendOptions { CreateTriggers = true }, Timeout);
        Assert.False(repeat.Created);
        Assert.Equal(0, repeat.TriggersCreated);

        var triggers = (await Store.GetTriggersAsync(conversation.Id, Timeout)).Where(t => t.Sequence > 0).ToArray();
        Assert.Equal(new[] { ("ann", 1L), ("bert", 1L), ("bert", 2L) }, triggers.Select(t => (t.AgentId, t.Sequence)));
        var fromAnn = triggers.Single(t => t.Sequence == 2);
        Assert.Equal((FlowTriggerKind.MessagePosted, byAnn.Message.Id, 1, FlowTriggerStatus.Pending, 0), (fromAnn.Kind, fromAnn.MessageId, fromAnn.ChainDepth, fromAnn.Status, fromAnn.Attempts));
        Assert.Equal(conversation.RoomId, fromAnn.RoomId);
        Assert.Equal(1, (await Store.GetMessageAsync(conversation.Id, byAnn.Message.Id, Timeout))!.ChainDepth);
        Assert.Equal(new TriggerBacklog(5, created[0].CreatedAt), await Store.GetTriggerBacklogAsync(Timeout));
    }

    /// <summary>Invariant 7: only a lane's lowest pending trigger can be leased, and only by one owner while its lease holds.</summary>
    /// <returns>A task for the test.</returns>
    [Fact]
    public async Task Invariant7_Claims_LeaseOnlyLaneHeads_OneOwnerAtATime()
    {
        var conversation = await CreateAgentConversationAsync("ann");
        for (var i = 0; i < 3; i++)
        {
            await Store.AppendMessageAsync(Draft(conversation, "alice", $"m{i}"), new AppendOptions { CreateTriggers = true }, Timeout);
        }

        var now = Host.Time.GetUtcNow();
        var x = await Store.ClaimTriggersAsync(Claim("x", now, 10), Timeout);
        var head = Assert.Single(x);
        Assert.Equal((0L, 1, "x"), (head.Sequence, head.Attempts, head.LeaseOwner));
        Assert.Empty(await Store.ClaimTriggersAsync(Claim("y", now, 10), Timeout));
        Assert.False(await Store.CompleteTriggerAsync(head.Key, "y", new TriggerCompletion { Outcome = TriggerOutcome.Done }, Timeout));

        Assert.True(await Store.CompleteTriggerAsync(head.Key, "x", new TriggerCompletion { Outcome = TriggerOutcome.Done }, Timeout));
        Assert.False(await Store.CompleteTriggerAsync(head.Key, "x", new TriggerCompletion { Outcome = TriggerOutcome.Done }, Timeout));
        var next = Assert.Single(await Store.ClaimTriggersAsync(Claim("y", now, 10), Timeout));
        Assert.Equal((1L, "y"), (next.Sequence, next.LeaseOwner));

        var all = await Store.GetTriggersAsync(conversation.Id, Timeout);
        Assert.Equal(new[] { FlowTriggerStatus.Done, FlowTriggerStatus.Pending, FlowTriggerStatus.Pending, FlowTriggerStatus.Pending }, all.Select(t => t.Status));
        Assert.Equal(3, (await Store.GetTriggerBacklogAsync(Timeout)).Pending);
    }

    /// <summary>Invariant 7: an engine claims only the triggers of the agents it can run; the others stay pending for another engine.</summary>
    /// <returns>A task for the test.</returns>
    [Fact]
    public async Task Invariant7_Claims_TakeOnlyTheAgentsTheEngineRuns()
    {
        var conversation = await CreateAgentConversationAsync("ann", "bert");
        var now = Host.Time.GetUtcNow();
        Assert.Empty(await Store.ClaimTriggersAsync(new TriggerClaim { Owner = "x", Now = now, LeaseExpiresAt = now.AddSeconds(30), MaxCount = 10, AgentIds = [] }, Timeout));
        var bert = Assert.Single(await Store.ClaimTriggersAsync(new TriggerClaim { Owner = "x", Now = now, LeaseExpiresAt = now.AddSeconds(30), MaxCount = 10, AgentIds = ["bert", "carl"] }, Timeout));
        Assert.Equal("bert", bert.AgentId);
        var ann = Assert.Single(await Store.ClaimTriggersAsync(Claim("y", now, 10), Timeout));
        Assert.Equal(("ann", conversation.Id), (ann.AgentId, ann.ConversationId));
    }

    /// <summary>Invariant 7: a lease that ended (its owner died) is claimed again by another owner, the attempt counted; the old owner can no longer renew or finish it.</summary>
    /// <returns>A task for the test.</returns>
    [Fact]
    public async Task Invariant7_EndedLease_IsClaimedAgain_AndTheOldOwnerIsLockedOut()
    {
        var conversation = await CreateAgentConversationAsync("ann");
        var now = Host.Time.GetUtcNow();
        var first = Assert.Single(await Store.ClaimTriggersAsync(Claim("x", now, 1, lease: TimeSpan.FromSeconds(10)), Timeout));
        Assert.True(await Store.RenewTriggerLeaseAsync(first.Key, "x", now + TimeSpan.FromSeconds(20), Timeout));
        Assert.Empty(await Store.ClaimTriggersAsync(Claim("y", now + TimeSpan.FromSeconds(15), 1), Timeout));

        var later = now + TimeSpan.FromSeconds(21);
        var again = Assert.Single(await Store.ClaimTriggersAsync(Claim("y", later, 1), Timeout));
        Assert.Equal((first.Key, 2, "y"), (again.Key, again.Attempts, again.LeaseOwner));
        Assert.False(await Store.RenewTriggerLeaseAsync(first.Key, "x", later + TimeSpan.FromSeconds(30), Timeout));
        Assert.False(await Store.CompleteTriggerAsync(first.Key, "x", new TriggerCompletion { Outcome = TriggerOutcome.Done }, Timeout));
        Assert.True(await Store.CompleteTriggerAsync(first.Key, "y", new TriggerCompletion { Outcome = TriggerOutcome.Done }, Timeout));
    }

    /// <summary>Invariant 7: a retried trigger waits for its next attempt and holds its lane; a dead one frees the lane; a released one is not counted.</summary>
    /// <returns>A task for the test.</returns>
    [Fact]
    public async Task Invariant7_RetryDeadAndRelease()
    {
        var conversation = await CreateAgentConversationAsync("ann");
        await Store.AppendMessageAsync(Draft(conversation, "alice", "m1"), new AppendOptions { CreateTriggers = true }, Timeout);
        var now = Host.Time.GetUtcNow();

        var head = Assert.Single(await Store.ClaimTriggersAsync(Claim("x", now, 5), Timeout));
        Assert.True(await Store.CompleteTriggerAsync(head.Key, "x", new TriggerCompletion { Outcome = TriggerOutcome.Release, NextAttemptAt = now }, Timeout));
        head = Assert.Single(await Store.ClaimTriggersAsync(Claim("x", now, 5), Timeout));
        Assert.Equal(1, head.Attempts);

        var retryAt = now + TimeSpan.FromSeconds(5);
        Assert.True(await Store.CompleteTriggerAsync(head.Key, "x", new TriggerCompletion { Outcome = TriggerOutcome.Retry, NextAttemptAt = retryAt, Error = "internal" }, Timeout));
        Assert.Empty(await Store.ClaimTriggersAsync(Claim("x", now + TimeSpan.FromSeconds(4), 5), Timeout));
        head = Assert.Single(await Store.ClaimTriggersAsync(Claim("x", retryAt, 5), Timeout));
        Assert.Equal((0L, 2, "internal"), (head.Sequence, head.Attempts, head.LastError));

        Assert.True(await Store.CompleteTriggerAsync(head.Key, "x", new TriggerCompletion { Outcome = TriggerOutcome.Dead, Error = "timeout" }, Timeout));
        var next = Assert.Single(await Store.ClaimTriggersAsync(Claim("x", retryAt, 5), Timeout));
        Assert.Equal(1L, next.Sequence);
        var dead = (await Store.GetTriggersAsync(conversation.Id, Timeout))[0];
        Assert.Equal((FlowTriggerStatus.Dead, 2, "timeout"), (dead.Status, dead.Attempts, dead.LastError));
    }

    /// <summary>Invariant 7: concurrent claims from two store instances lease every due trigger exactly once, lanes in parallel.</summary>
    /// <returns>A task for the test.</returns>
    [Fact]
    public async Task Invariant7_ConcurrentClaims_TwoInstances_LeaseEachTriggerOnce()
    {
        var agents = Enumerable.Range(0, 20).Select(i => $"agent-{i:D2}").ToArray();
        var conversation = await CreateAgentConversationAsync(agents);
        var second = await OpenSecondStoreAsync();
        var now = Host.Time.GetUtcNow();

        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
            await (i % 2 == 0 ? Store : second).ClaimTriggersAsync(Claim($"owner-{i}", now, 3), Timeout))));

        var claimed = claims.SelectMany(c => c).ToArray();
        Assert.Equal(claimed.Length, claimed.Select(t => t.Key).Distinct().Count());
        Assert.Equal(agents, claimed.Select(t => t.AgentId).Order(StringComparer.Ordinal));
        Assert.Empty(await Store.ClaimTriggersAsync(Claim("late", now, 100), Timeout));
        Assert.All(await second.GetTriggersAsync(conversation.Id, Timeout), t => Assert.Equal(1, t.Attempts));
    }

    /// <summary>Invariant 8: a streaming message carries its owner's lease; checkpoints store its text without a sequence, only for the owner.</summary>
    /// <returns>A task for the test.</returns>
    [Fact]
    public async Task Invariant8_StreamCheckpoints_AreTheOwnersAndTakeNoSequence()
    {
        var (_, conversation) = await CreateConversationAsync();
        var now = Host.Time.GetUtcNow();
        var lease = new StreamLease("x", now + TimeSpan.FromSeconds(30));
        var started = (await Store.AppendMessageAsync(Draft(conversation, "alice", string.Empty).Streaming(), new AppendOptions { StreamLease = lease }, Timeout)).Message;

        var open = Assert.Single(await Store.GetStreamingMessagesAsync(Timeout));
        Assert.Equal((started.Id, "x", (DateTimeOffset?)lease.ExpiresAt, 0), (open.Message.Id, open.Owner, open.LeaseExpiresAt, open.DeltaCount));

        Assert.True(await Store.CheckpointStreamAsync(Checkpoint(started, "x", "Hello, wor", 3, now + TimeSpan.FromSeconds(40)), Timeout));
        Assert.False(await Store.CheckpointStreamAsync(Checkpoint(started, "y", "hijacked", 9, now + TimeSpan.FromSeconds(90)), Timeout));
        var stored = await Store.GetMessageAsync(conversation.Id, started.Id, Timeout);
        Assert.Equal(("Hello, wor", 1L, MessageStatus.Streaming), (stored!.Text, stored.LastSequence, stored.Status));
        open = Assert.Single(await Store.GetStreamingMessagesAsync(Timeout));
        Assert.Equal((3, (DateTimeOffset?)(now + TimeSpan.FromSeconds(40))), (open.DeltaCount, open.LeaseExpiresAt));
        Assert.Equal(1, (await Store.GetConversationAsync(conversation.Id, Timeout))!.LastSequence);
    }

    /// <summary>Invariant 8: recovery fails only a stream whose lease ended, keeps its checkpointed text, and never touches a live one.</summary>
    /// <returns>A task for the test.</returns>
    [Fact]
    public async Task Invariant8_ExpireStream_FailsOnlyEndedLeases_WithTheCheckpointedText()
    {
        var (_, conversation) = await CreateConversationAsync();
        var now = Host.Time.GetUtcNow();
        var started = (await Store.AppendMessageAsync(Draft(conversation, "alice", string.Empty).Streaming(), new AppendOptions { StreamLease = new StreamLease("x", now + TimeSpan.FromSeconds(30)) }, Timeout)).Message;
        Assert.True(await Store.CheckpointStreamAsync(Checkpoint(started, "x", "half an ans", 4, now + TimeSpan.FromSeconds(30)), Timeout));

        Assert.Null(await Store.ExpireStreamAsync(conversation.Id, started.Id, now + TimeSpan.FromSeconds(29), Timeout));
        var failed = await Store.ExpireStreamAsync(conversation.Id, started.Id, now + TimeSpan.FromSeconds(31), Timeout);
        Assert.NotNull(failed);
        Assert.Equal((MessageStatus.Failed, "half an ans", 2L), (failed.Status, failed.Text, failed.LastSequence));
        Assert.Empty(await Store.GetStreamingMessagesAsync(Timeout));
        Assert.Null(await Store.ExpireStreamAsync(conversation.Id, started.Id, now + TimeSpan.FromSeconds(99), Timeout));
        Assert.False(await Store.CheckpointStreamAsync(Checkpoint(started, "x", "too late", 9, now + TimeSpan.FromSeconds(90)), Timeout));

        // The owner's completion lost the race: compare-and-swap refuses it.
        var completion = await Store.UpdateMessageAsync(started.WithText("the whole answer").Completed(), Timeout);
        Assert.Equal(UpdateOutcome.Conflict, completion.Outcome);
        Assert.Equal(MessageStatus.Failed, completion.Message!.Status);
    }

    /// <summary>Invariant 8: completing a stream ends its lease; recovery then leaves it alone.</summary>
    /// <returns>A task for the test.</returns>
    [Fact]
    public async Task Invariant8_CompletedStream_IsNoLongerListedOrExpired()
    {
        var (_, conversation) = await CreateConversationAsync();
        var now = Host.Time.GetUtcNow();
        var started = (await Store.AppendMessageAsync(Draft(conversation, "alice", string.Empty).Streaming(), new AppendOptions { StreamLease = new StreamLease("x", now + TimeSpan.FromSeconds(1)) }, Timeout)).Message;
        var completed = await Store.UpdateMessageAsync(started.WithText("done").Completed(), Timeout);
        Assert.Equal(UpdateOutcome.Updated, completed.Outcome);
        Assert.Empty(await Store.GetStreamingMessagesAsync(Timeout));
        Assert.Null(await Store.ExpireStreamAsync(conversation.Id, started.Id, now + TimeSpan.FromHours(1), Timeout));
        Assert.Equal(("done", MessageStatus.Complete), ((await Store.GetMessageAsync(conversation.Id, started.Id, Timeout))!.Text, completed.Message!.Status));
    }

    /// <summary>Creates, through the store, a room with alice (user), the given auto-respond agents and a quiet agent, and a conversation by alice.</summary>
    /// <param name="agents">The auto-respond agents.</param>
    /// <returns>The conversation.</returns>
    protected async Task<Conversation> CreateAgentConversationAsync(params string[] agents)
    {
        ArgumentNullException.ThrowIfNull(agents);
        var now = Host.Time.GetUtcNow();
        var room = new Room { Id = Guid.NewGuid().ToString("N"), Kind = RoomKind.Standard, Name = "agents", CreatedBy = "alice", CreatedAt = now };
        var participants = new List<Participant>
        {
            new() { RoomId = room.Id, AccountId = "alice", Kind = AccountKind.User, Role = ParticipantRole.Owner, JoinedAt = now },
            new() { RoomId = room.Id, AccountId = "quiet", Kind = AccountKind.Agent, Role = ParticipantRole.Member, AutoRespond = false, JoinedAt = now },
            new() { RoomId = room.Id, AccountId = "auto-user", Kind = AccountKind.User, Role = ParticipantRole.Member, AutoRespond = true, JoinedAt = now },
        };
        participants.AddRange(agents.Select(a => new Participant { RoomId = room.Id, AccountId = a, Kind = AccountKind.Agent, Role = ParticipantRole.Member, AutoRespond = true, JoinedAt = now }));
        await Store.CreateRoomAsync(room, participants, Timeout);
        var conversation = new Conversation { Id = Guid.NewGuid().ToString("N"), RoomId = room.Id, CreatedBy = "alice", CreatedAt = now };
        await Store.CreateConversationAsync(conversation, Timeout);
        return conversation;
    }

    private Message AgentDraft(Conversation conversation, string agent, string text, int depth)
    {
        var draft = Draft(conversation, agent, text);
        return new Message
        {
            Id = draft.Id,
            RoomId = draft.RoomId,
            ConversationId = draft.ConversationId,
            Sequence = 0,
            LastSequence = 0,
            SenderId = agent,
            SenderKind = AccountKind.Agent,
            Text = text,
            CreatedAt = draft.CreatedAt,
            ChainDepth = depth,
        };
    }

    private static TriggerClaim Claim(string owner, DateTimeOffset now, int max, TimeSpan? lease = null) =>
        new() { Owner = owner, Now = now, LeaseExpiresAt = now + (lease ?? TimeSpan.FromSeconds(30)), MaxCount = max };

    private static StreamCheckpoint Checkpoint(Message message, string owner, string text, int deltas, DateTimeOffset expires) =>
        new() { ConversationId = message.ConversationId, MessageId = message.Id, Owner = owner, Text = text, DeltaCount = deltas, LeaseExpiresAt = expires };
}
