// Test code awaited by xunit: ConfigureAwait adds nothing here.
#pragma warning disable CA2007

using System.Text.Json;
using Conversations.Storage;
using Xunit;

namespace Conversations.Testing;

/// <summary>
/// The conformance suite every <see cref="ConversationStore"/> provider runs: inherit it in a test class,
/// configure the provider in <see cref="ConfigureStore"/>, and xunit runs every check against it. It proves
/// the ordered log (invariant 1), idempotent posts (2), one direct room per set (3) and that refused input
/// changes nothing (9), through the store directly and through the engine's services.
/// </summary>
/// <remarks>
/// xunit creates a new instance, and so a new engine, for each test. <see cref="ConfigureStore"/> must give
/// each instance empty storage (for a file-based store: a new file).
/// </remarks>
public abstract partial class ConversationStoreConformanceTests : IAsyncLifetime
{
    private ConversationsTestHost? _host;

    /// <summary>Gets the engine under test.</summary>
    protected ConversationsTestHost Host => _host ?? throw new InvalidOperationException("The host starts in InitializeAsync.");

    /// <summary>Gets the store under test.</summary>
    protected ConversationStore Store => Host.Store;

    /// <summary>Gets a token that cancels a test that hangs.</summary>
    protected static CancellationToken Timeout => new CancellationTokenSource(TimeSpan.FromMinutes(1)).Token;

    /// <summary>Registers the store provider under test, for example <c>builder.UseSqlite(path)</c>.</summary>
    /// <param name="builder">The engine's builder.</param>
    protected abstract void ConfigureStore(IConversationsBuilder builder);

    /// <inheritdoc />
    public virtual async Task InitializeAsync() => _host = await ConversationsTestHost.StartAsync(builder =>
    {
        ConfigureStore(builder);

        // The suite drives triggers through the store itself: the engine runs no flows (so its dispatcher claims nothing)
        // and polls rarely.
        Microsoft.Extensions.DependencyInjection.OptionsServiceCollectionExtensions.Configure<ConversationsOptions>(builder.Services, o => o.PollInterval = TimeSpan.FromHours(1));
        Microsoft.Extensions.DependencyInjection.Extensions.ServiceCollectionDescriptorExtensions.RemoveAll<IFlowEngine>(builder.Services);
    }).ConfigureAwait(false);

    /// <summary>
    /// Opens a second instance of the store on the same storage (another connection pool, as a second process would),
    /// for the races between instances. The default returns <see cref="Store"/> itself, for stores without shared storage.
    /// </summary>
    /// <returns>The second instance; the suite does not dispose it (dispose it in <see cref="DisposeAsync"/> if needed).</returns>
    protected virtual ValueTask<ConversationStore> OpenSecondStoreAsync() => new(Store);

    /// <inheritdoc />
    public virtual async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Invariant 1: sequential posts get 1, 2, 3 … and the conversation reports the latest.</summary>
    /// <returns>A task for the test.</returns>
    [Fact]
    public async Task Invariant1_SequentialPosts_GetConsecutiveSequences()
    {
        var (alice, conversation) = await CreateConversationAsync();
        for (var i = 1; i <= 20; i++)
        {
            var message = await Host.Messages.PostTextAsync(alice, conversation.Id, $"m{i}");
            Assert.Equal(i, message.Sequence);
            Assert.Equal(i, message.LastSequence);
        }

        var stored = await Store.GetConversationAsync(conversation.Id, Timeout);
        Assert.Equal(20, stored!.LastSequence);
    }

    /// <summary>Invariant 1: concurrent appends from many tasks give a gapless, repeat-free sequence.</summary>
    /// <returns>A task for the test.</returns>
    [Fact]
    public async Task Invariant1_ConcurrentAppends_AreGaplessAndUnique()
    {
        var (_, conversation) = await CreateConversationAsync();
        const int Tasks = 16, PerTask = 25;
        var results = await Task.WhenAll(Enumerable.Range(0, Tasks).Select(t => Task.Run(async () =>
        {
            var sequences = new List<long>();
            for (var i = 0; i < PerTask; i++)
            {
                var result = await Store.AppendMessageAsync(Draft(conversation, $"sender{t}", $"t{t}-{i}"), AppendOptions.None, Timeout);
                Assert.True(result.Created);
                sequences.Add(result.Message.Sequence);
            }

            return sequences;
        })));

        var all = results.SelectMany(s => s).Order().ToArray();
        Assert.Equal(Enumerable.Range(1, Tasks * PerTask).Select(i => (long)i), all);
        var log = await Store.ReadLogAsync(conversation.Id, 0, 10_000, Timeout);
        Assert.Equal(all, log.Select(e => e.Sequence));
    }

    /// <summary>Invariant 1: edits and deletes take the next sequence and appear in the log with their kind.</summary>
    /// <returns>A task for the test.</returns>
    [Fact]
    public async Task Invariant1_EditAndDelete_TakeNextSequences()
    {
        var (alice, conversation) = await CreateConversationAsync();
        var first = await Host.Messages.PostTextAsync(alice, conversation.Id, "first");
        var second = await Host.Messages.PostTextAsync(alice, conversation.Id, "second");
        var edited = await Host.Messages.EditAsync(alice, conversation.Id, first.Id, new EditMessageRequest { Text = "first, edited" });
        var deleted = await Host.Messages.DeleteAsync(alice, conversation.Id, second.Id);

        Assert.Equal(1, edited.Sequence);
        Assert.Equal(3, edited.LastSequence);
        Assert.Equal("first, edited", edited.Text);
        Assert.NotNull(edited.EditedAt);
        Assert.Equal(4, deleted.LastSequence);
        Assert.True(deleted.IsDeleted);
        Assert.Equal(string.Empty, deleted.Text);

        var log = await Store.ReadLogAsync(conversation.Id, 0, 100, Timeout);
        Assert.Equal(new long[] { 1, 2, 3, 4 }, log.Select(e => e.Sequence));
        Assert.Equal(new[] { LogEntryKind.Posted, LogEntryKind.Posted, LogEntryKind.Updated, LogEntryKind.Deleted }, log.Select(e => e.Kind));
        Assert.Equal(first.Id, log[2].Message.Id);
        Assert.Equal("first, edited", log[0].Message.Text);

        var tail = await Store.ReadLogAsync(conversation.Id, 2, 100, Timeout);
        Assert.Equal(new long[] { 3, 4 }, tail.Select(e => e.Sequence));
        var limited = await Store.ReadLogAsync(conversation.Id, 0, 2, Timeout);
        Assert.Equal(new long[] { 1, 2 }, limited.Select(e => e.Sequence));
        Assert.Empty(await Store.ReadLogAsync(conversation.Id, 4, 100, Timeout));
    }

    /// <summary>Invariant 1: sequences are per conversation.</summary>
    /// <returns>A task for the test.</returns>
    [Fact]
    public async Task Invariant1_Sequences_ArePerConversation()
    {
        var (alice, one) = await CreateConversationAsync();
        var two = await Host.Conversations.CreateAsync(alice, one.RoomId);
        await Host.Messages.PostTextAsync(alice, one.Id, "a");
        await Host.Messages.PostTextAsync(alice, one.Id, "b");
        var inTwo = await Host.Messages.PostTextAsync(alice, two.Id, "c");
        Assert.Equal(1, inTwo.Sequence);
    }

    /// <summary>Invariant 2: a repeated client message id from the same sender returns the original and stores nothing.</summary>
    /// <returns>A task for the test.</returns>
    [Fact]
    public async Task Invariant2_RepeatedClientMessageId_ReturnsOriginal()
    {
        var (alice, conversation) = await CreateConversationAsync();
        var original = await Host.Messages.PostTextAsync(alice, conversation.Id, "hello", clientMessageId: "c-1");
        var repeat = await Host.Messages.PostTextAsync(alice, conversation.Id, "hello again", clientMessageId: "c-1");

        Assert.Equal(original.Id, repeat.Id);
        Assert.Equal(original.Sequence, repeat.Sequence);
        Assert.Equal("hello", repeat.Text);
        Assert.Equal(1, (await Store.GetConversationAsync(conversation.Id, Timeout))!.LastSequence);
    }

    /// <summary>Invariant 2: the same client message id from another sender is another message.</summary>
    /// <returns>A task for the test.</returns>
    [Fact]
    public async Task Invariant2_SameClientMessageIdFromAnotherSender_IsANewMessage()
    {
        var (_, conversation) = await CreateConversationAsync();
        var a = await Store.AppendMessageAsync(Draft(conversation, "alice", "x", clientMessageId: "same"), AppendOptions.None, Timeout);
        var b = await Store.AppendMessageAsync(Draft(conversation, "bob", "y", clientMessageId: "same"), AppendOptions.None, Timeout);
        Assert.True(a.Created);
        Assert.True(b.Created);
        Assert.NotEqual(a.Message.Id, b.Message.Id);
        Assert.Equal(2, b.Message.Sequence);
    }

    /// <summary>Invariant 2: concurrent posts with one client message id store exactly one message.</summary>
    /// <returns>A task for the test.</returns>
    [Fact]
    public async Task Invariant2_ConcurrentRepeats_StoreOneMessage()
    {
        var (_, conversation) = await CreateConversationAsync();
        var results = await Task.WhenAll(Enumerable.Range(0, 32).Select(i => Task.Run(async () =>
            await Store.AppendMessageAsync(Draft(conversation, "alice", $"attempt {i}", clientMessageId: "retry-me"), AppendOptions.None, Timeout))));

        Assert.Single(results, r => r.Created);
        Assert.Single(results.Select(r => r.Message.Id).Distinct());
        Assert.Equal(1, (await Store.GetConversationAsync(conversation.Id, Timeout))!.LastSequence);
    }

    /// <summary>Invariant 3: a direct key always maps to the first room stored under it.</summary>
    /// <returns>A task for the test.</returns>
    [Fact]
    public async Task Invariant3_DirectKey_ReturnsTheSameRoom()
    {
        var first = await Host.Rooms.GetOrCreateDirectRoomAsync(Account.User("alice"), [ParticipantSpec.User("alice"), ParticipantSpec.User("bob")]);
        var again = await Host.Rooms.GetOrCreateDirectRoomAsync(Account.User("bob"), [ParticipantSpec.User("bob"), ParticipantSpec.User("alice"), ParticipantSpec.User("bob")]);
        var other = await Host.Rooms.GetOrCreateDirectRoomAsync(Account.User("alice"), [ParticipantSpec.User("alice"), ParticipantSpec.User("carol")]);

        Assert.Equal(first.Id, again.Id);
        Assert.Equal(RoomKind.Direct, first.Kind);
        Assert.NotEqual(first.Id, other.Id);
        var participants = await Store.GetParticipantsAsync(first.Id, Timeout);
        Assert.Equal(new[] { "alice", "bob" }, participants.Select(p => p.AccountId).Order(StringComparer.Ordinal));
    }

    /// <summary>Invariant 3: concurrent requests for one direct key create one room.</summary>
    /// <returns>A task for the test.</returns>
    [Fact]
    public async Task Invariant3_ConcurrentDirectRequests_CreateOneRoom()
    {
        var now = Host.Time.GetUtcNow();
        var results = await Task.WhenAll(Enumerable.Range(0, 32).Select(i => Task.Run(async () =>
        {
            var room = new Room { Id = $"room-{i}", Kind = RoomKind.Direct, CreatedBy = "alice", CreatedAt = now };
            Participant[] members =
            [
                new() { RoomId = room.Id, AccountId = "alice", Kind = AccountKind.User, Role = ParticipantRole.Member, JoinedAt = now },
                new() { RoomId = room.Id, AccountId = "bob", Kind = AccountKind.User, Role = ParticipantRole.Member, JoinedAt = now },
            ];
            return await Store.GetOrCreateDirectRoomAsync("alice\nbob", room, members, Timeout);
        })));

        Assert.Single(results, r => r.Created);
        Assert.Single(results.Select(r => r.Room.Id).Distinct());
        var roomsOfAlice = await Store.GetRoomsForAccountAsync("alice", Timeout);
        Assert.Single(roomsOfAlice);
    }

    /// <summary>Invariant 9: refused posts leave the log as it was.</summary>
    /// <returns>A task for the test.</returns>
    [Fact]
    public async Task Invariant9_RefusedPosts_ChangeNothing()
    {
        var (alice, conversation) = await CreateConversationAsync();
        await Host.Messages.PostTextAsync(alice, conversation.Id, "kept");
        var options = Host.Services.GetService(typeof(Microsoft.Extensions.Options.IOptions<ConversationsOptions>)) as Microsoft.Extensions.Options.IOptions<ConversationsOptions>;
        var limits = options!.Value;

        await Assert.ThrowsAsync<LimitExceededException>(() => Host.Messages.PostTextAsync(alice, conversation.Id, new string('x', limits.MaxTextLength + 1)));
        await Assert.ThrowsAsync<InvalidArgumentException>(() => Host.Messages.PostTextAsync(alice, conversation.Id, string.Empty));
        await Assert.ThrowsAsync<InvalidArgumentException>(() => Host.Messages.PostAsync(alice, conversation.Id, new PostMessageRequest { Text = "x", Data = JsonDocument.Parse("42").RootElement }));
        await Assert.ThrowsAsync<ForbiddenException>(() => Host.Messages.PostTextAsync(Account.User("mallory"), conversation.Id, "let me in"));
        await Assert.ThrowsAsync<NotFoundException>(() => Host.Messages.PostTextAsync(alice, "no-such-conversation", "x"));

        var log = await Store.ReadLogAsync(conversation.Id, 0, 100, Timeout);
        Assert.Single(log);
        Assert.Equal("kept", log[0].Message.Text);
    }

    /// <summary>History pages: latest, before and after, always ascending, with correct bounds.</summary>
    /// <returns>A task for the test.</returns>
    [Fact]
    public async Task History_Pages_AreAscendingAndBounded()
    {
        var (alice, conversation) = await CreateConversationAsync();
        for (var i = 1; i <= 30; i++)
        {
            await Host.Messages.PostTextAsync(alice, conversation.Id, $"m{i}");
        }

        static long[] Seq(IReadOnlyList<Message> m) => m.Select(x => x.Sequence).ToArray();
        Assert.Equal(Range(21, 30), Seq(await Store.GetMessagesAsync(conversation.Id, new HistoryQuery { Limit = 10 }, Timeout)));
        Assert.Equal(Range(11, 20), Seq(await Store.GetMessagesAsync(conversation.Id, new HistoryQuery { Before = 21, Limit = 10 }, Timeout)));
        Assert.Equal(Range(1, 5), Seq(await Store.GetMessagesAsync(conversation.Id, new HistoryQuery { Before = 6, Limit = 10 }, Timeout)));
        Assert.Equal(Range(6, 15), Seq(await Store.GetMessagesAsync(conversation.Id, new HistoryQuery { After = 5, Limit = 10 }, Timeout)));
        Assert.Equal(Range(28, 30), Seq(await Store.GetMessagesAsync(conversation.Id, new HistoryQuery { After = 27, Limit = 10 }, Timeout)));
        Assert.Empty(await Store.GetMessagesAsync(conversation.Id, new HistoryQuery { After = 30, Limit = 10 }, Timeout));
        Assert.Empty(await Store.GetMessagesAsync("unknown", new HistoryQuery { Limit = 10 }, Timeout));

        // Edits do not move a message in the history: pages follow the posted sequence.
        var page = await Host.Messages.GetHistoryAsync(alice, conversation.Id, new HistoryQuery { Before = 11, Limit = 10 });
        Assert.Equal(Range(1, 10), Seq(page.Messages));
        Assert.False(page.HasMore);
        await Host.Messages.EditAsync(alice, conversation.Id, page.Messages[0].Id, new EditMessageRequest { Text = "edited" });
        Assert.Equal(Range(1, 10), Seq(await Store.GetMessagesAsync(conversation.Id, new HistoryQuery { After = 0, Limit = 10 }, Timeout)));
    }

    /// <summary>Messages keep every field through the store.</summary>
    /// <returns>A task for the test.</returns>
    [Fact]
    public async Task Messages_RoundTripEveryField()
    {
        var (alice, conversation) = await CreateConversationAsync();
        var first = await Host.Messages.PostTextAsync(alice, conversation.Id, "first");
        var asset = await ReadyAssetAsync(AssetScope.Account("alice"), "a.png", "image/png", 1234);
        var request = new PostMessageRequest
        {
            Text = "**bold** text",
            Format = MessageFormat.Markdown,
            Attachments = [Attachment.ForAsset(asset.Id)],
            Data = JsonDocument.Parse("""{"kind":"card","n":[1,2,3]}""").RootElement,
            ReplyToId = first.Id,
            ClientMessageId = "client-42",
        };
        var posted = await Host.Messages.PostAsync(alice, conversation.Id, request);
        var stored = await Store.GetMessageAsync(conversation.Id, posted.Id, Timeout);

        Assert.NotNull(stored);
        Assert.Equal(posted.Id, stored.Id);
        Assert.Equal(conversation.RoomId, stored.RoomId);
        Assert.Equal("**bold** text", stored.Text);
        Assert.Equal(MessageFormat.Markdown, stored.Format);
        var attachment = Assert.Single(stored.Attachments);
        Assert.Equal((asset.Id, "a.png", "image/png", 1234L), (attachment.AssetId, attachment.Name, attachment.MediaType, attachment.Size));
        Assert.Equal("card", stored.Data!.Value.GetProperty("kind").GetString());
        Assert.Equal(3, stored.Data.Value.GetProperty("n").GetArrayLength());
        Assert.Equal(first.Id, stored.ReplyToId);
        Assert.Equal("client-42", stored.ClientMessageId);
        Assert.Equal("alice", stored.SenderId);
        Assert.Equal(AccountKind.User, stored.SenderKind);
        Assert.Equal(MessageStatus.Complete, stored.Status);
        Assert.Equal(posted.CreatedAt, stored.CreatedAt);
        Assert.Null(await Store.GetMessageAsync(conversation.Id, "missing", Timeout));
    }

    /// <summary>Rooms, participants and conversations round-trip, with participants in join order.</summary>
    /// <returns>A task for the test.</returns>
    [Fact]
    public async Task RoomsAndParticipants_RoundTrip()
    {
        var alice = Account.User("alice");
        var room = await Host.Rooms.CreateRoomAsync(alice, new CreateRoomRequest
        {
            Name = "Team",
            Participants = [ParticipantSpec.User("bob", displayName: "Bob"), ParticipantSpec.Agent("helper", autoRespond: true)],
        });
        await Host.Participants.AddAsync(alice, room.Id, ParticipantSpec.User("carol", ParticipantRole.Observer));

        var stored = await Store.GetRoomAsync(room.Id, Timeout);
        Assert.Equal(("Team", RoomKind.Standard, "alice"), (stored!.Name, stored.Kind, stored.CreatedBy));
        var participants = await Store.GetParticipantsAsync(room.Id, Timeout);
        Assert.Equal(new[] { "alice", "bob", "helper", "carol" }, participants.Select(p => p.AccountId));
        Assert.Equal(ParticipantRole.Owner, participants[0].Role);
        Assert.Equal("Bob", participants[1].DisplayName);
        Assert.True(participants[2].AutoRespond);
        Assert.Equal(AccountKind.Agent, participants[2].Kind);
        Assert.Equal(ParticipantRole.Observer, participants[3].Role);

        Assert.False(await Store.AddParticipantAsync(participants[1], Timeout));
        Assert.True(await Store.UpdateParticipantAsync(new Participant { RoomId = room.Id, AccountId = "bob", Kind = AccountKind.User, Role = ParticipantRole.Admin, JoinedAt = participants[1].JoinedAt }, Timeout));
        Assert.Equal(ParticipantRole.Admin, (await Store.GetParticipantAsync(room.Id, "bob", Timeout))!.Role);
        Assert.True(await Store.RemoveParticipantAsync(room.Id, "carol", Timeout));
        Assert.False(await Store.RemoveParticipantAsync(room.Id, "carol", Timeout));
        Assert.Null(await Store.GetParticipantAsync(room.Id, "carol", Timeout));
        Assert.Empty(await Store.GetRoomsForAccountAsync("carol", Timeout));
        Assert.Single(await Store.GetRoomsForAccountAsync("bob", Timeout));

        var c1 = await Host.Conversations.CreateAsync(alice, room.Id, new CreateConversationRequest { Title = "one" });
        var c2 = await Host.Conversations.CreateAsync(alice, room.Id, new CreateConversationRequest { Title = "two" });
        var conversations = await Store.GetConversationsAsync(room.Id, Timeout);
        Assert.Equal(new[] { c1.Id, c2.Id }, conversations.Select(c => c.Id));
        Assert.Equal("one", conversations[0].Title);
        Assert.Null(await Store.GetConversationAsync("missing", Timeout));
        Assert.Null(await Store.GetRoomAsync("missing", Timeout));
    }

    /// <summary>Read markers only move forward.</summary>
    /// <returns>A task for the test.</returns>
    [Fact]
    public async Task ReadMarkers_NeverMoveBack()
    {
        var (alice, conversation) = await CreateConversationAsync();
        var now = Host.Time.GetUtcNow();
        var moved = await Store.SetReadMarkerAsync(new ReadMarker { ConversationId = conversation.Id, AccountId = "alice", Sequence = 5, UpdatedAt = now }, Timeout);
        var back = await Store.SetReadMarkerAsync(new ReadMarker { ConversationId = conversation.Id, AccountId = "alice", Sequence = 3, UpdatedAt = now }, Timeout);
        var forward = await Store.SetReadMarkerAsync(new ReadMarker { ConversationId = conversation.Id, AccountId = "alice", Sequence = 7, UpdatedAt = now }, Timeout);

        Assert.True(moved.Moved);
        Assert.False(back.Moved);
        Assert.Equal(5, back.Marker.Sequence);
        Assert.True(forward.Moved);
        var markers = await Store.GetReadMarkersAsync(conversation.Id, Timeout);
        Assert.Equal(7, Assert.Single(markers).Sequence);
        _ = alice;
    }

    /// <summary>Invariant 8 support: streaming messages are listed, and failing one stores its text once.</summary>
    /// <returns>A task for the test.</returns>
    [Fact]
    public async Task Streaming_MessagesAreListedUntilClosed()
    {
        var (alice, conversation) = await CreateConversationAsync();
        var stream = await Host.Messages.BeginStreamAsync(alice, conversation.Id);
        await stream.AppendAsync("partial ");
        await stream.AppendAsync("answer");

        var streaming = Assert.Single(await Store.GetStreamingMessagesAsync(Timeout));
        Assert.Equal(stream.Message.Id, streaming.Message.Id);
        Assert.StartsWith(streaming.Message.Text, "partial answer", StringComparison.Ordinal);
        Assert.NotNull(streaming.Owner);

        var failed = await stream.FailAsync();
        Assert.Equal(MessageStatus.Failed, failed.Status);
        Assert.Equal("partial answer", failed.Text);
        Assert.Empty(await Store.GetStreamingMessagesAsync(Timeout));
        var stored = await Store.GetMessageAsync(conversation.Id, failed.Id, Timeout);
        Assert.Equal(("partial answer", MessageStatus.Failed, 2L), (stored!.Text, stored.Status, stored.LastSequence));
    }

    /// <summary>Updating a message that does not exist reports it and stores nothing.</summary>
    /// <returns>A task for the test.</returns>
    [Fact]
    public async Task UpdateMessage_Unknown_ReportsNotFoundAndChangesNothing()
    {
        var (_, conversation) = await CreateConversationAsync();
        var ghost = Draft(conversation, "alice", "ghost");
        var result = await Store.UpdateMessageAsync(ghost, Timeout);
        Assert.Equal(UpdateOutcome.NotFound, result.Outcome);
        Assert.Null(result.Message);
        Assert.Equal(0, (await Store.GetConversationAsync(conversation.Id, Timeout))!.LastSequence);
    }

    /// <summary>Creates a room with alice as owner and one conversation.</summary>
    /// <returns>The owner and the conversation.</returns>
    protected async Task<(Account Owner, Conversation Conversation)> CreateConversationAsync()
    {
        var alice = Account.User("alice");
        var room = await Host.Rooms.CreateRoomAsync(alice, new CreateRoomRequest { Name = "room", Participants = [ParticipantSpec.User("bob")] });
        var conversation = await Host.Conversations.CreateAsync(alice, room.Id);
        return (alice, conversation);
    }

    /// <summary>Makes a message to append directly to the store.</summary>
    /// <param name="conversation">The conversation.</param>
    /// <param name="sender">The sender.</param>
    /// <param name="text">The text.</param>
    /// <param name="clientMessageId">The client message id.</param>
    /// <returns>The draft.</returns>
    protected Message Draft(Conversation conversation, string sender, string text, string? clientMessageId = null)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        return new Message
        {
            Id = Guid.NewGuid().ToString("N"),
            RoomId = conversation.RoomId,
            ConversationId = conversation.Id,
            Sequence = 0,
            LastSequence = 0,
            SenderId = sender,
            SenderKind = AccountKind.User,
            Text = text,
            ClientMessageId = clientMessageId,
            CreatedAt = Host.Time.GetUtcNow(),
        };
    }

    private static long[] Range(long from, long to) => Enumerable.Range((int)from, (int)(to - from + 1)).Select(i => (long)i).ToArray();
}
