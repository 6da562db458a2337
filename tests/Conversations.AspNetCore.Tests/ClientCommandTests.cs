using Conversations.Client;

namespace Conversations.AspNetCore.Tests;

public sealed class ClientCommandTests
{
    [Fact]
    public async Task Typed_commands_cover_rooms_participants_conversations_messages_and_markers()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await server.ConnectClientAsync("alice");
        await using var bob = await server.ConnectClientAsync("bob");
        using var safety = new CancellationTokenSource(RawSocket.Safety);

        var room = await alice.CreateRoomAsync(new CreateRoomRequest { Name = "team" }, safety.Token);
        var roomEvents = alice.SubscribeRoomAsync(room.Id, safety.Token).GetAsyncEnumerator(safety.Token);
        var firstRoomEvent = roomEvents.MoveNextAsync().AsTask();
        var added = await alice.AddParticipantAsync(room.Id, ParticipantSpec.User("bob"), safety.Token);
        added.Role.Should().Be(ParticipantRole.Member);
        await FluentActions.Awaiting(() => alice.AddParticipantAsync(room.Id, ParticipantSpec.User("bob"), safety.Token)).Should().ThrowAsync<ConflictException>();

        // Room events are live only; the subscription's first read began before alice's add, so it sees the creation.
        var conversation = await bob.CreateConversationAsync(room.Id, "plans", safety.Token);
        ConversationEvent? seen = null;
        if (await firstRoomEvent)
        {
            seen = roomEvents.Current;
            while (seen is not ConversationCreatedEvent && await roomEvents.MoveNextAsync())
            {
                seen = roomEvents.Current;
            }
        }

        seen.Should().BeOfType<ConversationCreatedEvent>().Which.Conversation.Id.Should().Be(conversation.Id);
        await roomEvents.DisposeAsync();

        (await bob.ListRoomsAsync(safety.Token)).Select(r => r.Id).Should().Equal(room.Id);
        (await bob.ListParticipantsAsync(room.Id, safety.Token)).Select(p => p.AccountId).Should().BeEquivalentTo(["alice", "bob"]);
        (await alice.ListConversationsAsync(room.Id, safety.Token)).Should().ContainSingle();
        (await alice.UpdateParticipantAsync(room.Id, "bob", new ParticipantUpdate { DisplayName = "Bob" }, safety.Token)).DisplayName.Should().Be("Bob");

        var first = await alice.PostTextAsync(conversation.Id, "one", "k1", safety.Token);
        (await alice.PostTextAsync(conversation.Id, "one", "k1", safety.Token)).Id.Should().Be(first.Id, "the same client message id returns the first message");
        var edited = await alice.EditAsync(conversation.Id, first.Id, new EditMessageRequest { Text = "uno" }, safety.Token);
        edited.Text.Should().Be("uno");
        var second = await bob.PostAsync(conversation.Id, new PostMessageRequest { Text = "**two**", Format = MessageFormat.Markdown, ReplyToId = first.Id }, safety.Token);
        second.Format.Should().Be(MessageFormat.Markdown);
        second.ClientMessageId.Should().NotBeNullOrEmpty("the client generates one");
        (await bob.DeleteAsync(conversation.Id, second.Id, safety.Token)).IsDeleted.Should().BeTrue();

        var page = await bob.GetHistoryAsync(conversation.Id, new HistoryQuery { Limit = 10 }, safety.Token);
        page.Messages.Select(m => m.Text).Should().Equal("uno", "");
        (await bob.MarkReadAsync(conversation.Id, 4, safety.Token)).Sequence.Should().Be(4);
        (await alice.GetReadMarkersAsync(conversation.Id, safety.Token)).Should().Contain(m => m.AccountId == "bob" && m.Sequence == 4);
        await alice.SetTypingAsync(conversation.Id, true, safety.Token);
        (await alice.GetConversationAsync(conversation.Id, safety.Token)).LastSequence.Should().Be(4);

        var direct = await alice.GetOrCreateDirectRoomAsync([ParticipantSpec.User("alice"), ParticipantSpec.User("carol")], safety.Token);
        (await alice.GetOrCreateDirectRoomAsync([ParticipantSpec.User("carol"), ParticipantSpec.User("alice")], safety.Token)).Id.Should().Be(direct.Id);
        direct.Kind.Should().Be(RoomKind.Direct);
        await FluentActions.Awaiting(() => bob.GetRoomAsync(direct.Id, safety.Token)).Should().ThrowAsync<ConversationsException>()
            .Where(e => e.Code == ConversationsErrorCode.Forbidden || e.Code == ConversationsErrorCode.NotFound);
    }

    [Fact]
    public async Task Canceling_a_waiting_subscription_ends_it_with_the_callers_token_and_frees_the_conversation()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await server.ConnectClientAsync("alice");
        using var safety = new CancellationTokenSource(RawSocket.Safety);
        var room = await alice.CreateRoomAsync(new CreateRoomRequest { Name = "team" }, safety.Token);
        var conversation = await alice.CreateConversationAsync(room.Id, cancellationToken: safety.Token);
        await alice.PostTextAsync(conversation.Id, "one", cancellationToken: safety.Token);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(safety.Token);
        var events = alice.SubscribeAsync(conversation.Id, 0, stop.Token).GetAsyncEnumerator(stop.Token);
        (await events.MoveNextAsync()).Should().BeTrue();
        events.Current.Should().BeOfType<MessagePostedEvent>().Which.Message.Text.Should().Be("one");

        // The reader waits for a second event that never comes; canceling ends the wait.
        var waiting = events.MoveNextAsync().AsTask();
        waiting.IsCompleted.Should().BeFalse();
        await stop.CancelAsync();
        (await FluentActions.Awaiting(() => waiting).Should().ThrowAsync<OperationCanceledException>())
            .Which.CancellationToken.Should().Be(stop.Token);
        await events.DisposeAsync();

        // The canceled subscription is gone: the same client can follow the conversation again and sees new posts.
        await using var again = alice.SubscribeAsync(conversation.Id, 1, safety.Token).GetAsyncEnumerator(safety.Token);
        var next = again.MoveNextAsync().AsTask();
        await alice.PostTextAsync(conversation.Id, "two", cancellationToken: safety.Token);
        (await next).Should().BeTrue();
        again.Current.Should().BeOfType<MessagePostedEvent>().Which.Message.Text.Should().Be("two");
    }
}
