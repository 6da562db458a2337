using Conversations.Storage;
using Conversations.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Conversations.Redis.Tests;

/// <summary>
/// The reply controls across hosts on PostgreSQL and Redis: a stop asked on one host reaches the host that writes the
/// stream over Redis, and a regeneration asked on one host is answered by the agent on another.
/// </summary>
public sealed class RedisReplyControlsTests
{
    private static readonly Account Alice = Account.User("alice");

    [RequiresServerFact(TestServers.PostgresVariable, TestServers.RedisVariable)]
    public async Task Stop_OnOneHost_ReachesTheHostWritingTheStream_OverRedis()
    {
        await using var schema = new RedisFaultTests.Schema();
        var agent = new StreamingAgent();
        var flows = new FakeFlowEngine().OnTrigger(agent.RunAsync);
        await using var worker = await ScaleEngine.StartAsync(schema.Name, TestServers.Redis, b => b.Services.AddSingleton<IFlowEngine>(flows));
        await using var api = await ScaleEngine.StartAsync(schema.Name, TestServers.Redis);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var conversation = await ConversationWithAgentAsync(api, timeout.Token);

        await api.Messages.PostTextAsync(Alice, conversation.Id, "go on", cancellationToken: timeout.Token);
        var streaming = await agent.Started.Task.WaitAsync(timeout.Token);
        var stopped = await api.Messages.StopAsync(Alice, conversation.Id, streaming.Id, timeout.Token);

        (stopped.Status, stopped.Text).Should().Be((MessageStatus.Stopped, "Once upon a time"));
        await agent.Cancelled.Task.WaitAsync(timeout.Token);
        var stored = (await api.Services.GetRequiredService<ConversationStore>().GetMessageAsync(conversation.Id, streaming.Id, timeout.Token))!;
        (stored.Status, stored.LastSequence).Should().Be((MessageStatus.Stopped, stored.Sequence + 1), "the stream ended once, stopped");
    }

    [RequiresServerFact(TestServers.PostgresVariable, TestServers.RedisVariable)]
    public async Task Regenerate_OnOneHost_IsAnsweredOnceByTheAgentOnAnother()
    {
        await using var schema = new RedisFaultTests.Schema();
        var answers = 0;
        var flows = new FakeFlowEngine().OnTrigger(async (context, ct) =>
        {
            if (context.Trigger.Message is not null)
            {
                await context.ReplyAsync($"answer {Interlocked.Increment(ref answers)}", ct);
            }
        });
        await using var worker = await ScaleEngine.StartAsync(schema.Name, TestServers.Redis, b => b.Services.AddSingleton<IFlowEngine>(flows));
        await using var api = await ScaleEngine.StartAsync(schema.Name, TestServers.Redis);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var conversation = await ConversationWithAgentAsync(api, timeout.Token);

        await api.Messages.PostTextAsync(Alice, conversation.Id, "question", cancellationToken: timeout.Token);
        var reply = await WaitForAsync(api, conversation.Id, m => m.SenderId == "bot" && m.Text == "answer 1", timeout.Token);
        await api.Messages.RegenerateAsync(Alice, conversation.Id, reply.Id, timeout.Token);
        await WaitForAsync(api, conversation.Id, m => m.SenderId == "bot" && m.Text == "answer 2", timeout.Token);

        var triggers = await api.Services.GetRequiredService<ConversationStore>().GetTriggersAsync(conversation.Id, timeout.Token);
        triggers.Where(t => t.Kind != FlowTriggerKind.ConversationCreated).Select(t => t.Kind).Should().BeEquivalentTo([FlowTriggerKind.MessagePosted, FlowTriggerKind.Regenerate]);
        answers.Should().Be(2, "each trigger ran once");
    }

    private static async Task<Conversation> ConversationWithAgentAsync(ScaleEngine engine, CancellationToken cancellationToken)
    {
        var room = await engine.Rooms.CreateRoomAsync(Alice, new CreateRoomRequest { Name = "controls", Participants = [ParticipantSpec.Agent("bot")] }, cancellationToken);
        return await engine.Conversations.CreateAsync(Alice, room.Id, cancellationToken: cancellationToken);
    }

    private static async Task<Message> WaitForAsync(ScaleEngine engine, string conversationId, Func<Message, bool> match, CancellationToken cancellationToken)
    {
        await foreach (var e in engine.Messages.SubscribeAsync(Alice, conversationId, 0, cancellationToken))
        {
            if (e is MessageLogEvent { Message: var message } && match(message))
            {
                return message;
            }
        }

        throw new InvalidOperationException("The subscription ended.");
    }
}
