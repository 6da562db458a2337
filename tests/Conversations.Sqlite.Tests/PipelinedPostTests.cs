using Conversations.Testing;

namespace Conversations.Sqlite.Tests;

/// <summary>
/// Posts a caller makes back to back, without waiting for each commit, are numbered in the order of the calls — on a real
/// SQLite file, where the checks before each append read from a pool of connections and may finish in any order.
/// </summary>
public sealed class PipelinedPostTests
{
    [Fact]
    public async Task Invariant1_PostsCalledBackToBack_AreNumberedInCallOrder()
    {
        using var database = new TempDatabase();
        await using var host = await ConversationsTestHost.StartAsync(b => b.UseSqlite(database.ConnectionString));
        var alice = Account.User("alice");
        var bob = Account.User("bob");
        var room = await host.Rooms.CreateRoomAsync(alice, new CreateRoomRequest { Participants = [ParticipantSpec.User("bob")] });
        var conversation = await host.Conversations.CreateAsync(alice, room.Id);

        // Two callers, each issuing 150 posts without awaiting them; a bad one in the middle of alice's is refused alone.
        var calls = new List<(Account Caller, string Text, Task<Message> Post)>();
        for (var i = 0; i < 150; i++)
        {
            calls.Add((alice, $"a{i}", host.Messages.PostTextAsync(alice, conversation.Id, i == 75 ? "" : $"a{i}")));
            calls.Add((bob, $"b{i}", host.Messages.PostTextAsync(bob, conversation.Id, $"b{i}")));
        }

        await FluentActions.Awaiting(() => calls[150].Post).Should().ThrowAsync<InvalidArgumentException>();
        var stored = new List<(Account Caller, Message Message)>();
        foreach (var (caller, _, post) in calls.Where((_, i) => i != 150))
        {
            stored.Add((caller, await post));
        }

        foreach (var caller in new[] { alice, bob })
        {
            var mine = stored.Where(s => s.Caller == caller).Select(s => s.Message).ToArray();
            mine.Select(m => m.Sequence).Should().BeInAscendingOrder("{0}'s posts are numbered in the order they were called", caller.Id);
            mine.Select(m => m.Text).Should().Equal(calls.Where(c => c.Caller == caller && c.Text != "a75").Select(c => c.Text));
        }

        var history = await host.Store.GetMessagesAsync(conversation.Id, new HistoryQuery { After = 0, Limit = 500 }, CancellationToken.None);
        history.Select(m => m.Sequence).Should().Equal(Enumerable.Range(1, 299).Select(i => (long)i), "the log stays gapless: the refused post took no number");
    }
}
