// Test code awaited by xunit: ConfigureAwait adds nothing here.
#pragma warning disable CA2007

using Conversations.Storage;
using Xunit;

namespace Conversations.Testing;

public abstract partial class ConversationStoreConformanceTests
{
    /// <summary>
    /// The inbox counts messages others posted above the account's read marker: not the account's own, not deleted ones, and
    /// an edit or a stream's end is not a new message (the log sequences they take are not counted).
    /// </summary>
    /// <returns>A task for the test.</returns>
    [Fact]
    public async Task Inbox_UnreadCountsOthersMessagesAboveTheMarker_NotEditsDeletesOrOwn()
    {
        var (_, conversation) = await CreateConversationAsync();
        var first = await Append(conversation, "bob", "one");
        var second = await Append(conversation, "bob", "two");
        await Append(conversation, "alice", "mine");
        var third = await Append(conversation, "bob", "three");
        var edited = await Store.UpdateMessageAsync(second.WithText("two, edited"), Timeout);
        Assert.Equal(UpdateOutcome.Updated, edited.Outcome);
        var deleted = await Store.UpdateMessageAsync(third.Deleted(Host.Time.GetUtcNow()), Timeout);
        Assert.Equal(UpdateOutcome.Updated, deleted.Outcome);
        var streaming = (await Store.AppendMessageAsync(Draft(conversation, "bob", "so far").Streaming(), new AppendOptions { StreamLease = new StreamLease("test", Host.Time.GetUtcNow().AddMinutes(1)) }, Timeout)).Message;
        var ended = await Store.UpdateMessageAsync(streaming.WithText("so far, and the end").Completed(), Timeout);
        Assert.Equal(UpdateOutcome.Updated, ended.Outcome);

        var alice = await Store.GetInboxRoomAsync("alice", conversation.RoomId, Timeout);
        var state = Assert.Single(alice!.Conversations);
        Assert.Equal(3, state.UnreadCount); // one, two (edited), the streamed one; not "mine", not the deleted "three"
        Assert.Equal(0, state.ReadSequence);
        Assert.Equal(8, state.Conversation.LastSequence);
        Assert.Equal(streaming.Id, state.LastMessage!.Id);
        Assert.Equal("so far, and the end", state.LastMessage.Text);

        await Store.SetReadMarkerAsync(new ReadMarker { ConversationId = conversation.Id, AccountId = "alice", Sequence = first.Sequence, UpdatedAt = Host.Time.GetUtcNow() }, Timeout);
        state = Assert.Single((await Store.GetInboxRoomAsync("alice", conversation.RoomId, Timeout))!.Conversations);
        Assert.Equal((first.Sequence, 2L), (state.ReadSequence, state.UnreadCount));

        var bob = Assert.Single((await Store.GetInboxRoomAsync("bob", conversation.RoomId, Timeout))!.Conversations);
        Assert.Equal(1, bob.UnreadCount); // alice's "mine"
    }

    /// <summary>The inbox lists exactly the rooms the account is in, with every conversation; a removed account has no entry.</summary>
    /// <returns>A task for the test.</returns>
    [Fact]
    public async Task Inbox_ListsTheAccountsRoomsAndConversations_AndForgetsARoomItLeft()
    {
        var (alice, conversation) = await CreateConversationAsync();
        var second = await Host.Conversations.CreateAsync(alice, conversation.RoomId, new CreateConversationRequest { Title = "second" });
        var other = await Host.Rooms.CreateRoomAsync(alice, new CreateRoomRequest { Name = "alone" });
        await Append(second, "bob", "hello");

        var rooms = await Store.GetInboxAsync("alice", Timeout);
        Assert.Equal(new[] { conversation.RoomId, other.Id }.Order(StringComparer.Ordinal), rooms.Select(r => r.Room.Id).Order(StringComparer.Ordinal));
        var shared = rooms.Single(r => r.Room.Id == conversation.RoomId);
        Assert.Equal("alice", shared.Membership.AccountId);
        Assert.Equal(new[] { conversation.Id, second.Id }, shared.Conversations.Select(c => c.Conversation.Id));
        Assert.Null(shared.Conversations[0].LastMessage);
        Assert.Equal("hello", shared.Conversations[1].LastMessage!.Text);
        Assert.Empty(rooms.Single(r => r.Room.Id == other.Id).Conversations);

        Assert.Single(await Store.GetInboxAsync("bob", Timeout));
        Assert.Empty(await Store.GetInboxAsync("nobody", Timeout));
        Assert.Null(await Store.GetInboxRoomAsync("bob", other.Id, Timeout));

        await Store.RemoveParticipantAsync(conversation.RoomId, "bob", Timeout);
        Assert.Empty(await Store.GetInboxAsync("bob", Timeout));
        Assert.Null(await Store.GetInboxRoomAsync("bob", conversation.RoomId, Timeout));
    }

    /// <summary>
    /// A change with a trigger: stored like any update and, in the same write, one pending trigger for the agent keyed by the
    /// change's sequence; a stale change records neither.
    /// </summary>
    /// <returns>A task for the test.</returns>
    [Fact]
    public async Task UpdateWithTrigger_StoresTheChangeAndOneTrigger_AndAStaleChangeNeither()
    {
        var (_, conversation) = await CreateConversationAsync();
        var question = await Append(conversation, "alice", "question");
        var reply = await Append(conversation, "bot", "answer");
        var spec = new TriggerSpec("bot", FlowTriggerKind.Regenerate, question.Id, question.ChainDepth);

        var result = await Store.UpdateMessageWithTriggerAsync(reply.Deleted(Host.Time.GetUtcNow()), spec, Timeout);
        Assert.Equal(UpdateOutcome.Updated, result.Outcome);
        Assert.Equal(3, result.Message!.LastSequence);
        var trigger = Assert.Single(await Store.GetTriggersAsync(conversation.Id, Timeout), t => t.AgentId == "bot");
        Assert.Equal((3L, FlowTriggerKind.Regenerate, question.Id), (trigger.Sequence, trigger.Kind, trigger.MessageId));
        Assert.Equal(conversation.RoomId, trigger.RoomId);

        var stale = await Store.UpdateMessageWithTriggerAsync(reply.Deleted(Host.Time.GetUtcNow()), spec, Timeout);
        Assert.Equal(UpdateOutcome.Conflict, stale.Outcome);
        Assert.Single(await Store.GetTriggersAsync(conversation.Id, Timeout), t => t.AgentId == "bot");
        Assert.Equal(3, (await Store.GetConversationAsync(conversation.Id, Timeout))!.LastSequence);
    }

    private async Task<Message> Append(Conversation conversation, string sender, string text) =>
        (await Store.AppendMessageAsync(Draft(conversation, sender, text), AppendOptions.None, Timeout)).Message;
}
