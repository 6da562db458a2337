using Microsoft.Extensions.DependencyInjection;
using Conversations.Testing;
using static Conversations.Tests.TestSupport;

namespace Conversations.Tests;

public sealed class FlowTests
{
    private static readonly Account Alice = Account.User("alice");

    [Fact]
    public async Task Invariant7_ConversationCreatedAndPostedMessages_TriggerAutoRespondAgentsButNotTheSender()
    {
        await using var host = await ConversationsTestHost.StartAsync();
        host.FlowEngine.ReplyWith(t => $"echo {t.Message?.Text ?? "hello"}");
        var (_, conversation) = await RoomWithConversationAsync(host, Alice,
            ParticipantSpec.Agent("bot"), ParticipantSpec.Agent("quiet", autoRespond: false), ParticipantSpec.User("bob"));
        await host.WhenFlowsIdleAsync(Timeout());

        await host.Messages.PostTextAsync(Alice, conversation.Id, "ping");
        await host.WhenFlowsIdleAsync(Timeout());

        var triggers = host.FlowEngine.GetTriggers();
        triggers.Select(t => (t.Kind, t.Agent.AccountId, t.Sequence)).Should().Equal(
            (FlowTriggerKind.ConversationCreated, "bot", 0L),
            (FlowTriggerKind.MessagePosted, "bot", 2L));
        var history = await host.Messages.GetHistoryAsync(Alice, conversation.Id);
        history.Messages.Select(m => (m.SenderId, m.Text)).Should().Equal(
            ("bot", "echo hello"), ("alice", "ping"), ("bot", "echo ping"));
        history.Messages[2].ReplyToId.Should().Be(history.Messages[1].Id);
    }

    [Fact]
    public async Task Invariant7_TriggersOfOneConversationAndAgent_RunOneAtATimeInSequenceOrder()
    {
        await using var host = await ConversationsTestHost.StartAsync();
        var running = 0;
        var maxRunning = 0;
        var seen = new List<long>();
        var gate = new SemaphoreSlim(0);
        host.FlowEngine.OnTrigger(async (context, ct) =>
        {
            if (context.Trigger.Kind != FlowTriggerKind.MessagePosted)
            {
                return;
            }

            var now = Interlocked.Increment(ref running);
            lock (seen)
            {
                maxRunning = Math.Max(maxRunning, now);
                seen.Add(context.Trigger.Sequence);
            }

            await gate.WaitAsync(ct);
            Interlocked.Decrement(ref running);
        });
        var (_, conversation) = await RoomWithConversationAsync(host, Alice, ParticipantSpec.Agent("bot"));

        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() => host.Messages.PostTextAsync(Alice, conversation.Id, $"m{i}"))));
        gate.Release(20);
        await host.WhenFlowsIdleAsync(Timeout());

        maxRunning.Should().Be(1);
        seen.Should().Equal(Enumerable.Range(1, 20).Select(i => (long)i));
    }

    [Fact]
    public async Task Invariant7_DifferentConversations_RunInParallel()
    {
        await using var host = await ConversationsTestHost.StartAsync();
        var bothStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = 0;
        host.FlowEngine.OnTrigger(async (context, ct) =>
        {
            if (context.Trigger.Kind != FlowTriggerKind.MessagePosted)
            {
                return;
            }

            if (Interlocked.Increment(ref started) == 2)
            {
                bothStarted.TrySetResult();
            }

            // Each flow waits for the other: this only finishes if they run at the same time.
            await bothStarted.Task.WaitAsync(ct);
        });
        var (room, one) = await RoomWithConversationAsync(host, Alice, ParticipantSpec.Agent("bot"));
        var two = await host.Conversations.CreateAsync(Alice, room.Id);

        await host.Messages.PostTextAsync(Alice, one.Id, "a");
        await host.Messages.PostTextAsync(Alice, two.Id, "b");
        await bothStarted.Task.WaitAsync(Timeout());
        await host.WhenFlowsIdleAsync(Timeout());
        await FlushEventsAsync(host);
        host.Events.GetSnapshot().OfType<FlowFailedEvent>().Should().BeEmpty();
    }

    [Fact]
    public async Task Invariant7_ThrowingFlow_IsRetriedWithBackoff_ReportedOnce_AndTheNextTriggerRuns()
    {
        await using var host = await ConversationsTestHost.StartAsync();
        host.FlowEngine.OnTrigger(async (context, ct) =>
        {
            if (context.Trigger.Message?.Text == "boom")
            {
                throw new InvalidOperationException("model exploded");
            }

            if (context.Trigger.Message is not null)
            {
                await context.ReplyAsync("fine", ct);
            }
        });
        var (_, conversation) = await RoomWithConversationAsync(host, Alice, ParticipantSpec.Agent("bot"));

        await host.Messages.PostTextAsync(Alice, conversation.Id, "boom");
        await host.Messages.PostTextAsync(Alice, conversation.Id, "again");
        await host.WhenFlowsIdleAsync(Timeout());
        Attempts(host, 1).Should().Equal(1);
        (await host.Messages.GetHistoryAsync(Alice, conversation.Id)).Messages.Should().HaveCount(2, "the next trigger waits behind the one being retried");

        // Backoff: 2 s before the second attempt, 4 s before the third (the default options).
        host.Time.Advance(TimeSpan.FromSeconds(2.5));
        await host.WhenFlowsIdleAsync(Timeout());
        Attempts(host, 1).Should().Equal(1, 2);
        host.Time.Advance(TimeSpan.FromSeconds(4.5));
        await host.WhenFlowsIdleAsync(Timeout());
        Attempts(host, 1).Should().Equal(1, 2, 3);

        var failure = await host.Events.WaitForAsync<FlowFailedEvent>(cancellationToken: Timeout());
        (failure.AgentId, failure.TriggerSequence, failure.ErrorCode, failure.Attempts).Should().Be(("bot", 1L, "internal", 3));
        failure.ErrorMessage.Should().NotContain("exploded", "internal details are logged, not shown to participants");
        var history = await host.Messages.GetHistoryAsync(Alice, conversation.Id);
        history.Messages.Select(m => m.Text).Should().Equal("boom", "again", "fine");
        await FlushEventsAsync(host);
        host.Events.GetSnapshot().OfType<FlowFailedEvent>().Should().ContainSingle("a trigger given up is reported once");
        var triggers = await host.Store.GetTriggersAsync(conversation.Id, Timeout());
        triggers.Where(t => t.Sequence > 0).Select(t => (t.Sequence, t.Status, t.Attempts)).Should().Equal(
            (1L, Storage.FlowTriggerStatus.Dead, 3), (2L, Storage.FlowTriggerStatus.Done, 1));
    }

    private static int[] Attempts(ConversationsTestHost host, long sequence) =>
        host.FlowEngine.GetTriggers().Where(t => t.Sequence == sequence).Select(t => t.Attempt).ToArray();

    [Fact]
    public async Task Invariant7_TwoAgentsAnsweringEachOther_StopAtTheConfiguredDepth()
    {
        await using var host = await ConversationsTestHost.StartAsync(b => b.Services.Configure<ConversationsOptions>(o => o.MaxAgentChainDepth = 3));
        host.FlowEngine.ReplyWith(t => $"{t.Agent.AccountId} answers {t.Message?.SenderId}");
        var room = await host.Rooms.CreateRoomAsync(Alice, new CreateRoomRequest { Participants = [ParticipantSpec.Agent("ping"), ParticipantSpec.Agent("pong")] });
        var conversation = await host.Conversations.CreateAsync(Account.System, room.Id);
        await host.WhenFlowsIdleAsync(Timeout());
        var afterCreate = (await host.Messages.GetHistoryAsync(Alice, conversation.Id)).Messages.Count;

        await host.Messages.PostTextAsync(Alice, conversation.Id, "start");
        await host.WhenFlowsIdleAsync(Timeout());

        // Depth 0 (alice) triggers both agents; each reply (depth 1..3) triggers the other; replies at depth 4 trigger nothing.
        var messages = (await host.Messages.GetHistoryAsync(Alice, conversation.Id, HistoryQuery.Latest(200))).Messages.Skip(afterCreate).ToArray();
        messages[0].Text.Should().Be("start");
        var replies = messages.Skip(1).ToArray();
        replies.Should().HaveCount(2 * 4, "two agents reply at depths 1, 2, 3 and 4");
        replies.Should().OnlyContain(m => m.SenderKind == AccountKind.Agent);
        var triggerDepths = host.FlowEngine.GetTriggers().Where(t => t.Kind == FlowTriggerKind.MessagePosted).Select(t => t.ChainDepth).ToArray();
        triggerDepths.Should().OnlyContain(d => d <= 3);
        triggerDepths.Max().Should().Be(3);
    }

    [Fact]
    public async Task Invariant7_ZeroChainDepth_AgentsNeverTriggerAgents()
    {
        await using var host = await ConversationsTestHost.StartAsync(b => b.Services.Configure<ConversationsOptions>(o => o.MaxAgentChainDepth = 0));
        host.FlowEngine.ReplyWith(t => "reply");
        var (_, conversation) = await RoomWithConversationAsync(host, Alice, ParticipantSpec.Agent("a"), ParticipantSpec.Agent("b"));
        await host.WhenFlowsIdleAsync(Timeout());
        var before = (await host.Messages.GetHistoryAsync(Alice, conversation.Id)).Messages.Count;

        await host.Messages.PostTextAsync(Alice, conversation.Id, "hi");
        await host.WhenFlowsIdleAsync(Timeout());

        (await host.Messages.GetHistoryAsync(Alice, conversation.Id)).Messages.Count.Should().Be(before + 3);
    }

    [Fact]
    public async Task Invariant7_FlowTimeout_IsReportedAsTimeout()
    {
        // The lease outlasts the timeout: one jump of the fake clock past both would otherwise let the poll claim the
        // trigger again before the renewal lands, which is a lost lease, not a timeout.
        await using var host = await ConversationsTestHost.StartAsync(b => b.Services.Configure<ConversationsOptions>(o =>
            (o.FlowTimeout, o.MaxFlowAttempts, o.FlowLeaseDuration) = (TimeSpan.FromSeconds(30), 1, TimeSpan.FromMinutes(5))));
        var waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        host.FlowEngine.OnTrigger(async (context, ct) =>
        {
            if (context.Trigger.Message is null)
            {
                return;
            }

            waiting.TrySetResult();
            await Task.Delay(TimeSpan.FromHours(1), host.Time, ct);
        });
        var (_, conversation) = await RoomWithConversationAsync(host, Alice, ParticipantSpec.Agent("slow"));

        await host.Messages.PostTextAsync(Alice, conversation.Id, "take your time");
        await waiting.Task.WaitAsync(Timeout());
        host.Time.Advance(TimeSpan.FromSeconds(31));

        var failure = await host.Events.WaitForAsync<FlowFailedEvent>(cancellationToken: Timeout());
        failure.ErrorCode.Should().Be("timeout");
    }

    [Fact]
    public async Task Invariant7_EngineThatCannotBeBuilt_IsReportedAsAFailedFlow()
    {
        await using var host = await ConversationsTestHost.StartAsync(b =>
        {
            b.Services.AddKeyedSingleton<IFlowEngine>("broken", (_, _) => throw new InvalidOperationException("missing dependency"));
            b.Services.Configure<ConversationsOptions>(o => o.MaxFlowAttempts = 1);
        });
        var (_, conversation) = await RoomWithConversationAsync(host, Alice, ParticipantSpec.Agent("broken"));
        await host.Messages.PostTextAsync(Alice, conversation.Id, "hello?");
        await host.WhenFlowsIdleAsync(Timeout());

        var failure = await host.Events.WaitForAsync<FlowFailedEvent>(e => e.TriggerSequence == 1, Timeout());
        (failure.AgentId, failure.ErrorCode).Should().Be(("broken", "internal"));
    }

    [Fact]
    public async Task KeyedAgentEngine_TakesItsAgentsTriggers()
    {
        var special = new FakeFlowEngine().ReplyWith(_ => "from the keyed engine");
        await using var host = await ConversationsTestHost.StartAsync(b => b.AddAgentFlowEngine("special", special));
        host.FlowEngine.ReplyWith(_ => "from the default engine");
        var (_, conversation) = await RoomWithConversationAsync(host, Alice, ParticipantSpec.Agent("special"), ParticipantSpec.Agent("plain"));
        await host.WhenFlowsIdleAsync(Timeout());

        special.GetTriggers().Should().OnlyContain(t => t.Agent.AccountId == "special").And.NotBeEmpty();
        host.FlowEngine.GetTriggers().Should().OnlyContain(t => t.Agent.AccountId == "plain").And.NotBeEmpty();
        _ = conversation;
    }

    [Fact]
    public async Task Shutdown_LetsTheRunningFlowFinish_AndTheNextStartRunsWhatIsStillPending()
    {
        // One store outlives two engines, as a database outlives a process.
        var store = new InMemoryConversationStore();
        var host = await ConversationsTestHost.StartAsync(b => b.Services.AddSingleton<Storage.ConversationStore>(store));
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handled = new List<long>();
        host.FlowEngine.OnTrigger(async (context, ct) =>
        {
            if (context.Trigger.Message is null)
            {
                return;
            }

            started.TrySetResult();
            await release.Task.WaitAsync(ct);
            lock (handled)
            {
                handled.Add(context.Trigger.Sequence);
            }
        });
        var (_, conversation) = await RoomWithConversationAsync(host, Alice, ParticipantSpec.Agent("bot"));
        await host.WhenFlowsIdleAsync(Timeout());
        for (var i = 0; i < 5; i++)
        {
            await host.Messages.PostTextAsync(Alice, conversation.Id, $"m{i}");
        }

        await started.Task.WaitAsync(Timeout());
        var hosted = host.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().Single();
        var stopping = hosted.StopAsync(Timeout());
        stopping.IsCompleted.Should().BeFalse("the running flow is allowed to finish");
        release.SetResult();
        await stopping;
        await host.DisposeAsync();

        handled.Should().Equal(1);
        var pending = (await store.GetTriggersAsync(conversation.Id, Timeout())).Where(t => t.Status == Storage.FlowTriggerStatus.Pending);
        pending.Select(t => t.Sequence).Should().Equal(2, 3, 4, 5);

        await using var next = await ConversationsTestHost.StartAsync(b => b.Services.AddSingleton<Storage.ConversationStore>(store));
        await next.WhenFlowsIdleAsync(Timeout());
        next.FlowEngine.GetTriggers().Select(t => t.Sequence).Should().Equal(2, 3, 4, 5);
        (await store.GetTriggerBacklogAsync(Timeout())).Pending.Should().Be(0);
    }

    [Fact]
    public async Task Shutdown_CancelsRunningFlowsWhenTheHostStopsWaiting()
    {
        var host = await ConversationsTestHost.StartAsync();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        host.FlowEngine.OnTrigger(async (context, ct) =>
        {
            if (context.Trigger.Message is null)
            {
                return;
            }

            started.TrySetResult();
            try
            {
                await Task.Delay(System.Threading.Timeout.InfiniteTimeSpan, ct);
            }
            catch (OperationCanceledException)
            {
                cancelled.TrySetResult();
                throw;
            }
        });
        var (_, conversation) = await RoomWithConversationAsync(host, Alice, ParticipantSpec.Agent("bot"));
        await host.Messages.PostTextAsync(Alice, conversation.Id, "work forever");
        await started.Task.WaitAsync(Timeout());

        var hosted = host.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().Single();
        using var stopWaiting = new CancellationTokenSource();
        await stopWaiting.CancelAsync();
        await hosted.StopAsync(stopWaiting.Token);

        cancelled.Task.IsCompleted.Should().BeTrue();
        await FlushEventsAsync(host);
        host.Events.GetSnapshot().OfType<FlowFailedEvent>().Should().BeEmpty("a flow cancelled by shutdown has not failed");
        await host.DisposeAsync();
    }

    [Fact]
    public async Task EventHandlers_ReceiveEventsInOrder_AndTheirFailuresDoNotFailThePost()
    {
        await using var host = await ConversationsTestHost.StartAsync(b => b.AddEventHandler<ThrowingHandler>().AddEventHandler<RecordingHandler>());
        var recorder = host.Services.GetServices<IConversationEventHandler>().OfType<RecordingHandler>().Single();
        var (_, conversation) = await RoomWithConversationAsync(host, Alice);

        for (var i = 0; i < 5; i++)
        {
            await host.Messages.PostTextAsync(Alice, conversation.Id, $"m{i}");
        }

        await recorder.Seen.Task.WaitAsync(Timeout());
        recorder.Events.OfType<MessagePostedEvent>().Select(e => e.Sequence).Should().Equal(1, 2, 3, 4, 5);
        recorder.Events[0].Should().BeOfType<RoomCreatedEvent>();
    }

    private sealed class ThrowingHandler : IConversationEventHandler
    {
        public ValueTask HandleAsync(ConversationEvent conversationEvent, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("handler bug");
    }

    private sealed class RecordingHandler : IConversationEventHandler
    {
        public List<ConversationEvent> Events { get; } = [];

        public TaskCompletionSource Seen { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ValueTask HandleAsync(ConversationEvent conversationEvent, CancellationToken cancellationToken)
        {
            Events.Add(conversationEvent);
            if (conversationEvent is MessagePostedEvent { Sequence: 5 })
            {
                Seen.TrySetResult();
            }

            return default;
        }
    }
}
