// The README's quick start: a room with a person and an auto-responding agent, in memory.
using Conversations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddConversations().AddFlowEngine<EchoAgent>();
using var host = builder.Build();
await host.StartAsync();

var rooms = host.Services.GetRequiredService<IRoomService>();
var conversations = host.Services.GetRequiredService<IConversationService>();
var messages = host.Services.GetRequiredService<IMessageService>();

var alice = Account.User("alice");
var room = await rooms.CreateRoomAsync(alice, new CreateRoomRequest { Name = "Support", Participants = [ParticipantSpec.Agent("echo-bot")] });
var conversation = await conversations.CreateAsync(alice, room.Id);
await messages.PostTextAsync(alice, conversation.Id, "Hello, agent!");

// Replays the log from the start, then follows it live: deltas while a reply streams, the whole text when it completes.
await foreach (var e in messages.SubscribeAsync(alice, conversation.Id, afterSequence: 0))
{
    if (e is MessageDeltaEvent delta) Console.Write(delta.Delta);
    if (e is MessageUpdatedEvent { Message: { Status: MessageStatus.Complete } reply })
    {
        Console.WriteLine($"\n{reply.SenderId}: {reply.Text}");
        break;
    }
}

await host.StopAsync();

// An agent: the engine calls it for every message someone else posts in its rooms.
sealed class EchoAgent : IFlowEngine
{
    public async ValueTask RunAsync(FlowContext context, CancellationToken cancellationToken)
    {
        if (context.Trigger.Message is not { } message) return; // conversation created: nothing to say yet
        string[] words = ["You", " said:", " ", message.Text];
        await context.StreamReplyAsync(words.ToAsyncEnumerable(), cancellationToken: cancellationToken);
    }
}
