// A host the crash tests start as a child process and kill at random moments (SIGKILL). Modes:
//   posts <db> <start of poster 0> <start of poster 1> …
//       leaves one message streaming, then posts continuously from several posters and prints each acknowledgement:
//       STREAM <messageId>, READY <conversationId>, ACK <poster> <index> <messageId> <sequence>
//   agent <db> <next user index>
//       an auto-respond agent that streams its replies, and a user who keeps posting:
//       READY <conversationId>, ACK <index> <messageId> <sequence>, DELTA <sequence> <index>, DONE <sequence>
//   serve <db> <runs file>
//       the agent only (another process posts); appends START/END lines to the runs file
//   drain <db>
//       the agent only, until no trigger is pending and no message streams; then prints DRAINED and exits
//   upload <db> <assets folder>
//       reserves an upload and stalls mid-way through its bytes (see UploadCrash); prints UPLOADING <assetId>
using Conversations;
using Conversations.Sqlite.CrashHost;
using Conversations.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

if (args is ["upload", var uploadDb, var uploadFolder])
{
    await UploadCrash.RunAsync(uploadDb, uploadFolder);
    return;
}

var mode = args[0];
var path = args[1];


var services = new ServiceCollection();
services.AddLogging(logging => logging.AddProvider(new StdoutLoggerProvider()));
var builder = services.AddConversations(o =>
{
    // Short leases so a killed owner's work is taken over within two seconds (long enough that a loaded machine does
    // not lose live leases to late renewals); every delta checkpointed.
    o.FlowLeaseDuration = TimeSpan.FromSeconds(2);
    o.StreamLeaseDuration = TimeSpan.FromSeconds(2);
    o.StreamCheckpointInterval = TimeSpan.Zero;
    o.PollInterval = TimeSpan.FromMilliseconds(50);
    o.MaxFlowAttempts = 50;
    o.FlowRetryDelay = TimeSpan.FromMilliseconds(50);
}).UseSqlite($"Data Source={path}");
if (mode != "posts")
{
    builder.AddAgentFlowEngine(CrashAgent.AccountId, new CrashAgent(mode == "serve" ? args[2] : null));
}

await using var provider = services.BuildServiceProvider();
foreach (var hosted in provider.GetServices<IHostedService>())
{
    await hosted.StartAsync(CancellationToken.None);
}

var rooms = provider.GetRequiredService<IRoomService>();
var conversations = provider.GetRequiredService<IConversationService>();
var messages = provider.GetRequiredService<IMessageService>();
var store = provider.GetRequiredService<ConversationStore>();
var writer = Account.User("writer");

switch (mode)
{
    case "posts":
        await PostsAsync(args.Skip(2).Select(long.Parse).ToArray());
        break;
    case "agent":
        await AgentAsync(long.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture));
        break;
    case "serve":
        await Task.Delay(Timeout.Infinite);
        break;
    case "drain":
        await DrainAsync();
        break;
    default:
        throw new ArgumentException($"Unknown mode '{mode}'.");
}

async Task<Conversation> ConversationAsync(params ParticipantSpec[] others)
{
    var room = await rooms.GetOrCreateDirectRoomAsync(writer, [ParticipantSpec.User("writer"), .. others]);
    var existing = await conversations.ListAsync(writer, room.Id);
    return existing.Count > 0 ? existing[0] : await conversations.CreateAsync(writer, room.Id, new CreateConversationRequest { Title = "crash" });
}

async Task PostsAsync(long[] starts)
{
    var conversation = await ConversationAsync(ParticipantSpec.User("reader"));

    // A stream the kill interrupts: recovery must mark it failed with its checkpointed text once its lease ends.
    var stream = await messages.BeginStreamAsync(writer, conversation.Id);
    await stream.AppendAsync("partial text");
    while ((await store.GetMessageAsync(conversation.Id, stream.Message.Id, CancellationToken.None))!.Text.Length == 0)
    {
        // The checkpoint is written in the background: announce the stream once its text is durable.
        await Task.Delay(TimeSpan.FromMilliseconds(5));
    }

    Console.Out.WriteLine($"STREAM {stream.Message.Id}");
    Console.Out.WriteLine($"READY {conversation.Id}");

    var posters = starts.Select((start, poster) => Task.Run(async () =>
    {
        for (var index = start; ; index++)
        {
            var posted = await messages.PostAsync(writer, conversation.Id, new PostMessageRequest { Text = $"{poster}:{index}", ClientMessageId = $"{poster}:{index}" });
            Console.Out.WriteLine($"ACK {poster} {index} {posted.Id} {posted.Sequence}");
        }
    })).ToArray();
    await Task.WhenAll(posters);
}

async Task AgentAsync(long next)
{
    var conversation = await ConversationAsync(ParticipantSpec.Agent(CrashAgent.AccountId));
    Console.Out.WriteLine($"READY {conversation.Id}");
    for (var index = next; ; index++)
    {
        var clientId = $"u:{index}";
        var posted = await messages.PostAsync(writer, conversation.Id, new PostMessageRequest { Text = clientId, ClientMessageId = clientId });
        Console.Out.WriteLine($"ACK {index} {posted.Id} {posted.Sequence}");
        await Task.Delay(TimeSpan.FromMilliseconds(250));
    }
}

async Task DrainAsync()
{
    using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));
    while (true)
    {
        var backlog = await store.GetTriggerBacklogAsync(deadline.Token);
        var streaming = await store.GetStreamingMessagesAsync(deadline.Token);
        if (backlog.Pending == 0 && streaming.Count == 0)
        {
            break;
        }

        await Task.Delay(TimeSpan.FromMilliseconds(50), deadline.Token);
    }

    Console.Out.WriteLine("DRAINED");
}
