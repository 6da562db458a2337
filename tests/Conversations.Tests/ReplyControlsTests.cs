using Conversations.Storage;
using Conversations.Testing;
using Conversations.Transport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using static Conversations.Tests.TestSupport;

namespace Conversations.Tests;

/// <summary>Stopping a streaming reply and regenerating an agent's reply: authorised like posts, exactly once, also across engines.</summary>
public sealed class ReplyControlsTests
{
    private static readonly Account Alice = Account.User("alice");

    [Fact]
    public async Task Stop_KeepsTheTextSoFarAsStopped_CancelsTheFlow_AndTheTriggerIsDoneForGood()
    {
        await using var host = await ConversationsTestHost.StartAsync();
        var agent = new StreamingAgent();
        host.FlowEngine.OnTrigger(agent.RunAsync);
        var (_, conversation) = await RoomWithConversationAsync(host, Alice, ParticipantSpec.Agent("bot"), ParticipantSpec.User("bob"));
        await host.Messages.PostTextAsync(Alice, conversation.Id, "tell me a long story");
        var streaming = await agent.Started.Task.WaitAsync(Timeout());

        var stopped = await host.Messages.StopAsync(Account.User("bob"), conversation.Id, streaming.Id);
        stopped.Status.Should().Be(MessageStatus.Stopped);
        stopped.Text.Should().Be("Once upon a time");
        await agent.Cancelled.Task.WaitAsync(Timeout());
        await host.WhenFlowsIdleAsync(Timeout());
        host.Time.Advance(TimeSpan.FromMinutes(5));
        await host.WhenFlowsIdleAsync(Timeout());

        var stored = await host.Store.GetMessageAsync(conversation.Id, streaming.Id, Timeout());
        (stored!.Status, stored.Text).Should().Be((MessageStatus.Stopped, "Once upon a time"));
        var trigger = (await host.Store.GetTriggersAsync(conversation.Id, Timeout())).Single(t => t.Sequence == 1);
        (trigger.Status, trigger.Attempts).Should().Be((FlowTriggerStatus.Done, 1), "a stopped run is finished, not failed: it is never retried");
        host.FlowEngine.GetTriggers().Count(t => t.Sequence == 1).Should().Be(1);
        (await host.Events.WaitForAsync<MessageUpdatedEvent>(e => e.Message.Id == streaming.Id, Timeout())).ActorId.Should().Be("bob", "the stop is announced as bob's change");
        await FluentActions.Awaiting(() => host.Messages.StopAsync(Alice, conversation.Id, streaming.Id)).Should().ThrowAsync<ConflictException>("it is no longer streaming");
    }

    [Fact]
    public async Task Stop_IsAuthorisedLikePosts_AndRefusesWhatIsNotStreaming()
    {
        await using var host = await ConversationsTestHost.StartAsync();
        var bob = Account.User("bob");
        var watcher = Account.User("watcher");
        var (room, conversation) = await RoomWithConversationAsync(host, Alice, ParticipantSpec.User("bob"), ParticipantSpec.User("watcher", ParticipantRole.Observer));
        var stream = await host.Messages.BeginStreamAsync(bob, conversation.Id);
        await stream.AppendAsync("bob types");

        await FluentActions.Awaiting(() => host.Messages.StopAsync(watcher, conversation.Id, stream.Message.Id)).Should().ThrowAsync<ForbiddenException>("observers do not post, so they do not stop");
        await FluentActions.Awaiting(() => host.Messages.StopAsync(Account.User("stranger"), conversation.Id, stream.Message.Id)).Should().ThrowAsync<ForbiddenException>();
        await host.Participants.AddAsync(Alice, room.Id, ParticipantSpec.User("carol"));
        await FluentActions.Awaiting(() => host.Messages.StopAsync(Account.User("carol"), conversation.Id, stream.Message.Id)).Should().ThrowAsync<ForbiddenException>("a person's stream is stopped only by its sender or an admin");
        await FluentActions.Awaiting(() => host.Messages.StopAsync(bob, conversation.Id, "nope")).Should().ThrowAsync<NotFoundException>();
        await FluentActions.Awaiting(() => host.Messages.StopAsync(bob, conversation.Id, "")).Should().ThrowAsync<InvalidArgumentException>();
        (await host.Store.GetMessageAsync(conversation.Id, stream.Message.Id, Timeout()))!.Status.Should().Be(MessageStatus.Streaming, "refused stops change nothing");

        var stopped = await host.Messages.StopAsync(Alice, conversation.Id, stream.Message.Id);
        stopped.Status.Should().Be(MessageStatus.Stopped, "the owner (an admin) may stop anyone's stream");
        await FluentActions.Awaiting(() => stream.AppendAsync("more")).Should().ThrowAsync<ConflictException>("the writer finds its stream closed");
        var complete = await host.Messages.PostTextAsync(bob, conversation.Id, "done");
        await FluentActions.Awaiting(() => host.Messages.StopAsync(bob, conversation.Id, complete.Id)).Should().ThrowAsync<ConflictException>();
    }

    [Fact]
    public async Task Stop_RacingCompletion_EndsTheMessageOnce_EitherStoppedOrComplete()
    {
        await using var host = await ConversationsTestHost.StartAsync();
        var bob = Account.User("bob");
        var (_, conversation) = await RoomWithConversationAsync(host, Alice, ParticipantSpec.User("bob"));
        var outcomes = new List<MessageStatus>();
        for (var i = 0; i < 30; i++)
        {
            var stream = await host.Messages.BeginStreamAsync(bob, conversation.Id);
            await stream.AppendAsync($"text {i}");
            var complete = Task.Run(() => stream.CompleteAsync());
            var stop = Task.Run(() => host.Messages.StopAsync(Alice, conversation.Id, stream.Message.Id));
            try
            {
                await Task.WhenAll(complete, stop);
            }
            catch (ConversationsException)
            {
                // One of the two loses the race; both are checked below.
            }

            var stored = (await host.Store.GetMessageAsync(conversation.Id, stream.Message.Id, Timeout()))!;
            stored.Text.Should().Be($"text {i}");
            if (stored.Status == MessageStatus.Stopped)
            {
                (await stop).Status.Should().Be(MessageStatus.Stopped);
                complete.IsFaulted.Should().BeTrue();
                complete.Exception!.InnerException.Should().BeOfType<ConflictException>();
            }
            else
            {
                stored.Status.Should().Be(MessageStatus.Complete);
                (await complete).Status.Should().Be(MessageStatus.Complete);
                stop.IsFaulted.Should().BeTrue();
                stop.Exception!.InnerException.Should().BeAssignableTo<ConversationsException>().Which.Code.Should().Be(ConversationsErrorCode.Conflict);
            }

            stored.LastSequence.Should().Be(stored.Sequence + 1, "the message ended exactly once");
            outcomes.Add(stored.Status);
        }

        outcomes.Should().OnlyContain(s => s == MessageStatus.Stopped || s == MessageStatus.Complete);
    }

    [Fact]
    public async Task Stop_ReachesTheEngineThatWritesTheStream_OverTheBus()
    {
        var store = new InMemoryConversationStore();
        var bus = new InMemoryEventBus();
        await using var api = await ConversationsTestHost.StartAsync(b => Share(b, store, bus).Services.RemoveAll<IFlowEngine>());
        await using var worker = await ConversationsTestHost.StartAsync(b => Share(b, store, bus));
        var agent = new StreamingAgent();
        worker.FlowEngine.OnTrigger(agent.RunAsync);
        var (_, conversation) = await RoomWithConversationAsync(api, Alice, ParticipantSpec.Agent("bot"));
        await api.Messages.PostTextAsync(Alice, conversation.Id, "go on");
        var streaming = await agent.Started.Task.WaitAsync(Timeout());

        var stopped = await api.Messages.StopAsync(Alice, conversation.Id, streaming.Id);
        (stopped.Status, stopped.Text).Should().Be((MessageStatus.Stopped, "Once upon a time"));
        await agent.Cancelled.Task.WaitAsync(Timeout());
        await worker.WhenFlowsIdleAsync(Timeout());
        (await store.GetTriggersAsync(conversation.Id, Timeout())).Single(t => t.Sequence == 1).Status.Should().Be(FlowTriggerStatus.Done);
    }

    [Fact]
    public async Task Regenerate_ReplacesTheReply_AndTheAgentAnswersOnceMore_ExactlyOnce()
    {
        await using var host = await ConversationsTestHost.StartAsync();
        var runs = 0;
        host.FlowEngine.OnTrigger(async (context, ct) =>
        {
            if (context.Trigger.Message is null)
            {
                return;
            }

            var n = Interlocked.Increment(ref runs);
            await context.ReplyAsync($"answer {n} to {context.Trigger.Message.Text}", ct);
            if (context.Trigger.Kind == FlowTriggerKind.Regenerate && context.Trigger.Attempt == 1)
            {
                throw new InvalidOperationException("crash after replying: the retry must not post again");
            }
        });
        var (_, conversation) = await RoomWithConversationAsync(host, Alice, ParticipantSpec.Agent("bot"), ParticipantSpec.User("bob"));
        var question = await host.Messages.PostTextAsync(Alice, conversation.Id, "why?");
        await host.WhenFlowsIdleAsync(Timeout());
        var first = (await host.Messages.GetHistoryAsync(Alice, conversation.Id)).Messages.Single(m => m.SenderId == "bot");

        var replaced = await host.Messages.RegenerateAsync(Account.User("bob"), conversation.Id, first.Id);
        replaced.IsDeleted.Should().BeTrue();
        replaced.Id.Should().Be(first.Id);
        await host.WhenFlowsIdleAsync(Timeout());
        host.Time.Advance(TimeSpan.FromSeconds(3));
        await host.WhenFlowsIdleAsync(Timeout());

        var replies = (await host.Messages.GetHistoryAsync(Alice, conversation.Id)).Messages.Where(m => m.SenderId == "bot").ToArray();
        replies.Should().HaveCount(2);
        replies[0].IsDeleted.Should().BeTrue();
        var second = replies[1];
        (second.Text, second.ReplyToId, second.ClientMessageId).Should().Be(("answer 2 to why?", question.Id, $"flow:{replaced.LastSequence}:0"));
        var regenerations = host.FlowEngine.GetTriggers().Where(t => t.Kind == FlowTriggerKind.Regenerate).ToArray();
        regenerations.Select(t => t.Attempt).Should().Equal(1, 2);
        regenerations.Should().OnlyContain(t => t.ReplacedMessageId == first.Id && t.Message!.Id == question.Id);
        var trigger = (await host.Store.GetTriggersAsync(conversation.Id, Timeout())).Single(t => t.Kind == FlowTriggerKind.Regenerate);
        (trigger.Sequence, trigger.Status).Should().Be((replaced.LastSequence, FlowTriggerStatus.Done));

        await FluentActions.Awaiting(() => host.Messages.RegenerateAsync(Alice, conversation.Id, first.Id)).Should().ThrowAsync<ConflictException>("a reply is replaced once");
        var racing = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            try
            {
                await host.Messages.RegenerateAsync(Alice, conversation.Id, second.Id);
                return true;
            }
            catch (ConflictException)
            {
                return false;
            }
        })));
        racing.Count(won => won).Should().Be(1, "concurrent requests for one reply regenerate it once");
        (await host.Store.GetTriggersAsync(conversation.Id, Timeout())).Count(t => t.Kind == FlowTriggerKind.Regenerate).Should().Be(2);
    }

    [Fact]
    public async Task Regenerate_IsAuthorisedLikePosts_AndRefusesWhatCannotBeAnsweredAgain()
    {
        await using var host = await ConversationsTestHost.StartAsync();
        host.FlowEngine.ReplyWith(t => "ok");
        var (room, conversation) = await RoomWithConversationAsync(host, Alice, ParticipantSpec.Agent("bot"), ParticipantSpec.User("watcher", ParticipantRole.Observer));
        var question = await host.Messages.PostTextAsync(Alice, conversation.Id, "hi");
        await host.WhenFlowsIdleAsync(Timeout());
        var reply = (await host.Messages.GetHistoryAsync(Alice, conversation.Id)).Messages.Single(m => m.SenderId == "bot" && m.ReplyToId == question.Id);
        var before = (await host.Store.GetConversationAsync(conversation.Id, Timeout()))!.LastSequence;

        await FluentActions.Awaiting(() => host.Messages.RegenerateAsync(Account.User("watcher"), conversation.Id, reply.Id)).Should().ThrowAsync<ForbiddenException>();
        await FluentActions.Awaiting(() => host.Messages.RegenerateAsync(Account.User("stranger"), conversation.Id, reply.Id)).Should().ThrowAsync<ForbiddenException>();
        await FluentActions.Awaiting(() => host.Messages.RegenerateAsync(Alice, conversation.Id, question.Id)).Should().ThrowAsync<InvalidArgumentException>("a person's message is not an agent's reply");
        await FluentActions.Awaiting(() => host.Messages.RegenerateAsync(Alice, conversation.Id, "missing")).Should().ThrowAsync<NotFoundException>();
        await host.Participants.UpdateAsync(Alice, room.Id, "bot", new ParticipantUpdate { AutoRespond = false });
        await FluentActions.Awaiting(() => host.Messages.RegenerateAsync(Alice, conversation.Id, reply.Id)).Should().ThrowAsync<ConflictException>("the agent no longer answers here");
        await host.Participants.UpdateAsync(Alice, room.Id, "bot", new ParticipantUpdate { AutoRespond = true });
        await host.Messages.DeleteAsync(Alice, conversation.Id, question.Id);
        await FluentActions.Awaiting(() => host.Messages.RegenerateAsync(Alice, conversation.Id, reply.Id)).Should().ThrowAsync<ConflictException>("the question is gone");

        (await host.Store.GetConversationAsync(conversation.Id, Timeout()))!.LastSequence.Should().Be(before + 1, "only the delete of the question changed the log");
        (await host.Store.GetTriggersAsync(conversation.Id, Timeout())).Should().NotContain(t => t.Kind == FlowTriggerKind.Regenerate);
    }

    private static IConversationsBuilder Share(IConversationsBuilder builder, ConversationStore store, ConversationEventBus bus)
    {
        builder.Services.Replace(ServiceDescriptor.Singleton(store));
        builder.Services.Replace(ServiceDescriptor.Singleton(bus));
        return builder;
    }
}
