// A host the crash-safety test kills at random moments. It opens the engine on a SQLite file, leaves one
// message streaming, then posts continuously from several posters and prints each acknowledged post:
//   ACK <poster> <index> <messageId> <sequence>
// Usage: CrashHost <db path> <start index of poster 0> <start index of poster 1> ...
//        CrashHost upload <db path> <assets folder>   (see UploadCrash)
using Conversations;
using Conversations.Sqlite.CrashHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

if (args is ["upload", var uploadDb, var uploadFolder])
{
    await UploadCrash.RunAsync(uploadDb, uploadFolder);
    return;
}

var path = args[0];
var starts = args.Skip(1).Select(long.Parse).ToArray();

var services = new ServiceCollection();
services.AddLogging();
services.AddConversations().UseSqlite($"Data Source={path}");
await using var provider = services.BuildServiceProvider();
foreach (var hosted in provider.GetServices<IHostedService>())
{
    await hosted.StartAsync(CancellationToken.None);
}

var rooms = provider.GetRequiredService<IRoomService>();
var conversations = provider.GetRequiredService<IConversationService>();
var messages = provider.GetRequiredService<IMessageService>();
var writer = Account.User("writer");
var room = await rooms.GetOrCreateDirectRoomAsync(writer, [ParticipantSpec.User("writer"), ParticipantSpec.User("reader")]);
var existing = await conversations.ListAsync(writer, room.Id);
var conversation = existing.Count > 0 ? existing[0] : await conversations.CreateAsync(writer, room.Id, new CreateConversationRequest { Title = "crash" });

// A stream the kill interrupts: the next start must mark it failed with its text so far.
var stream = await messages.BeginStreamAsync(writer, conversation.Id);
await stream.AppendAsync("partial text");
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
