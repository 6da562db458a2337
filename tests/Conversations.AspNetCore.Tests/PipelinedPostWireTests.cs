using System.Text.Json;

namespace Conversations.AspNetCore.Tests;

/// <summary>
/// Posts sent back to back on one socket are not run one after another: they are numbered in the order sent, answered in
/// that order, and a command sent after them waits for them. On a real SQLite file, where commits are shared.
/// </summary>
public sealed class PipelinedPostWireTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "conversations-pipelining-" + Guid.NewGuid().ToString("N"));

    public PipelinedPostWireTests() => Directory.CreateDirectory(_folder);

    [Fact]
    public async Task PostsSentWithoutWaiting_AreNumberedAndAnsweredInTheOrderSent_AndALaterCommandSeesThemAll()
    {
        await using var server = await TestServer.StartAsync(o => o.WebSockets.MaxPipelinedPosts = 16, b => b.UseSqlite($"Data Source={Path.Combine(_folder, "chat.db")}"));
        var (_, conversation) = await server.CreateRoomAsync("alice", "bob");
        using var alice = await server.ConnectRawAsync("alice");
        await alice.WelcomeAsync();

        // 100 posts in one go (more than MaxPipelinedPosts in flight), one of them bad, then a history read.
        const int count = 100;
        for (var i = 0; i < count; i++)
        {
            var text = i == 40 ? "" : $"p{i}";
            await alice.SendTextAsync($$"""{"type":"messages.post","id":"p{{i}}","conversationId":"{{conversation.Id}}","text":"{{text}}","clientMessageId":"c{{i}}"}""");
        }

        await alice.SendTextAsync($$"""{"type":"messages.history","id":"h","conversationId":"{{conversation.Id}}","after":0,"limit":200}""");

        var answers = new List<JsonElement>();
        while (answers.Count < count + 1)
        {
            var frame = await alice.ReceiveFrameAsync() ?? throw new InvalidOperationException("The server closed the connection.");
            if (frame.Type() is "ack" or "error")
            {
                answers.Add(frame);
            }
        }

        answers.Select(a => a.GetProperty("id").GetString()).Should().Equal([.. Enumerable.Range(0, count).Select(i => $"p{i}"), "h"], "answers come in the order the commands were sent");
        answers[40].Code().Should().Be("invalid_argument");
        var acked = answers.Take(count).Where((_, i) => i != 40).Select(a => a.GetProperty("result")).ToArray();
        acked.Select(m => m.GetProperty("text").GetString()).Should().Equal(Enumerable.Range(0, count).Where(i => i != 40).Select(i => $"p{i}"));
        acked.Select(m => m.GetProperty("sequence").GetInt64()).Should().Equal(Enumerable.Range(1, count - 1).Select(i => (long)i), "posts are numbered in the order sent, and the refused one took no number");

        var history = answers[count].GetProperty("result").GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("text").GetString()).ToArray();
        history.Should().Equal(Enumerable.Range(0, count).Where(i => i != 40).Select(i => $"p{i}"), "the history read waited for the posts sent before it");
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
