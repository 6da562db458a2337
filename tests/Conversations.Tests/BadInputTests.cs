using System.Text.Json;
using Conversations.Testing;
using Microsoft.Extensions.DependencyInjection;
using static Conversations.Tests.TestSupport;

namespace Conversations.Tests;

/// <summary>Invariant 9: every bad input is refused with its typed error and leaves the store as it was.</summary>
public sealed class BadInputTests : IAsyncLifetime
{
    private static readonly Account Alice = Account.User("alice");
    private ConversationsTestHost _host = null!;
    private Room _room = null!;
    private Conversation _conversation = null!;
    private Message _message = null!;

    public async Task InitializeAsync()
    {
        _host = await ConversationsTestHost.StartAsync(b => b.Services.Configure<ConversationsOptions>(o =>
        {
            o.MaxTextLength = 100;
            o.MaxAttachmentsPerMessage = 2;
            o.MaxDataBytes = 64;
            o.MaxIdLength = 32;
            o.MaxNameLength = 20;
            o.MaxParticipantsPerRoom = 4;
            o.MaxPageSize = 50;
        }));
        (_room, _conversation) = await RoomWithConversationAsync(_host, Alice, ParticipantSpec.User("bob"));
        _message = await _host.Messages.PostTextAsync(Alice, _conversation.Id, "original");
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    public static TheoryData<string, Func<ConversationsTestHost, string, string, string, Task>, Type> Cases => new()
    {
        // Identifiers: empty, blank, too long, control characters, unknown.
        { "post: empty conversation id", (h, r, c, m) => h.Messages.PostTextAsync(Alice, "", "x"), typeof(InvalidArgumentException) },
        { "post: blank conversation id", (h, r, c, m) => h.Messages.PostTextAsync(Alice, "   ", "x"), typeof(InvalidArgumentException) },
        { "post: overlong conversation id", (h, r, c, m) => h.Messages.PostTextAsync(Alice, new string('c', 33), "x"), typeof(InvalidArgumentException) },
        { "post: control character in id", (h, r, c, m) => h.Messages.PostTextAsync(Alice, "abc\n", "x"), typeof(InvalidArgumentException) },
        { "post: null conversation id", (h, r, c, m) => h.Messages.PostTextAsync(Alice, null!, "x"), typeof(ArgumentNullException) },
        { "post: null caller", (h, r, c, m) => h.Messages.PostTextAsync(null!, c, "x"), typeof(ArgumentNullException) },
        { "post: null request", (h, r, c, m) => h.Messages.PostAsync(Alice, c, null!), typeof(ArgumentNullException) },
        { "post: unknown conversation", (h, r, c, m) => h.Messages.PostTextAsync(Alice, "nope", "x"), typeof(NotFoundException) },
        { "post: non-participant", (h, r, c, m) => h.Messages.PostTextAsync(Account.User("eve"), c, "x"), typeof(ForbiddenException) },

        // Content.
        { "post: over-limit text", (h, r, c, m) => h.Messages.PostTextAsync(Alice, c, new string('x', 101)), typeof(LimitExceededException) },
        { "post: empty message", (h, r, c, m) => h.Messages.PostTextAsync(Alice, c, ""), typeof(InvalidArgumentException) },
        { "post: too many attachments", (h, r, c, m) => h.Messages.PostAsync(Alice, c, new PostMessageRequest { Text = "x", Attachments = [File("a"), File("b"), File("c")] }), typeof(LimitExceededException) },
        { "post: attachment without asset id", (h, r, c, m) => h.Messages.PostAsync(Alice, c, new PostMessageRequest { Attachments = [new Attachment { Name = "a", MediaType = "text/plain" }] }), typeof(InvalidArgumentException) },
        { "post: attachment with a javascript: reference", (h, r, c, m) => h.Messages.PostAsync(Alice, c, new PostMessageRequest { Attachments = [Attachment.ForAsset("javascript:alert(9)")] }), typeof(NotFoundException) },
        { "post: attachment of an unknown asset", (h, r, c, m) => h.Messages.PostAsync(Alice, c, new PostMessageRequest { Attachments = [Attachment.ForAsset("ghost")] }), typeof(NotFoundException) },
        { "post: data is a number", (h, r, c, m) => h.Messages.PostAsync(Alice, c, new PostMessageRequest { Data = Json("42") }), typeof(InvalidArgumentException) },
        { "post: data is a string", (h, r, c, m) => h.Messages.PostAsync(Alice, c, new PostMessageRequest { Data = Json("\"text\"") }), typeof(InvalidArgumentException) },
        { "post: data over limit", (h, r, c, m) => h.Messages.PostAsync(Alice, c, new PostMessageRequest { Data = Json($"{{\"k\":\"{new string('x', 80)}\"}}") }), typeof(LimitExceededException) },
        { "post: unknown format", (h, r, c, m) => h.Messages.PostAsync(Alice, c, new PostMessageRequest { Text = "x", Format = (MessageFormat)9 }), typeof(InvalidArgumentException) },
        { "post: reply to unknown message", (h, r, c, m) => h.Messages.PostAsync(Alice, c, new PostMessageRequest { Text = "x", ReplyToId = "ghost" }), typeof(InvalidArgumentException) },
        { "post: overlong client message id", (h, r, c, m) => h.Messages.PostTextAsync(Alice, c, "x", new string('k', 33)), typeof(InvalidArgumentException) },

        // Edits and deletes.
        { "edit: unknown message", (h, r, c, m) => h.Messages.EditAsync(Alice, c, "ghost", new EditMessageRequest { Text = "x" }), typeof(NotFoundException) },
        { "edit: over-limit text", (h, r, c, m) => h.Messages.EditAsync(Alice, c, m, new EditMessageRequest { Text = new string('x', 101) }), typeof(LimitExceededException) },
        { "edit: to empty", (h, r, c, m) => h.Messages.EditAsync(Alice, c, m, new EditMessageRequest { Text = "" }), typeof(InvalidArgumentException) },
        { "edit: by someone else", (h, r, c, m) => h.Messages.EditAsync(Account.User("bob"), c, m, new EditMessageRequest { Text = "x" }), typeof(ForbiddenException) },
        { "edit: null request", (h, r, c, m) => h.Messages.EditAsync(Alice, c, m, null!), typeof(ArgumentNullException) },
        { "delete: empty message id", (h, r, c, m) => h.Messages.DeleteAsync(Alice, c, ""), typeof(InvalidArgumentException) },

        // History.
        { "history: page too large", (h, r, c, m) => h.Messages.GetHistoryAsync(Alice, c, new HistoryQuery { Limit = 51 }), typeof(InvalidArgumentException) },
        { "history: zero page", (h, r, c, m) => h.Messages.GetHistoryAsync(Alice, c, new HistoryQuery { Limit = 0 }), typeof(InvalidArgumentException) },
        { "history: both bounds", (h, r, c, m) => h.Messages.GetHistoryAsync(Alice, c, new HistoryQuery { Before = 5, After = 1 }), typeof(InvalidArgumentException) },
        { "history: negative after", (h, r, c, m) => h.Messages.GetHistoryAsync(Alice, c, new HistoryQuery { After = -1 }), typeof(InvalidArgumentException) },
        { "subscribe: negative sequence", (h, r, c, m) => h.Messages.SubscribeAsync(Alice, c, -1).ToListAsync().AsTask(), typeof(InvalidArgumentException) },

        // Rooms and participants.
        { "room: participant listed twice", (h, r, c, m) => h.Rooms.CreateRoomAsync(Alice, new CreateRoomRequest { Participants = [ParticipantSpec.User("x"), ParticipantSpec.User("x")] }), typeof(InvalidArgumentException) },
        { "room: too many participants", (h, r, c, m) => h.Rooms.CreateRoomAsync(Alice, new CreateRoomRequest { Participants = [ParticipantSpec.User("p1"), ParticipantSpec.User("p2"), ParticipantSpec.User("p3"), ParticipantSpec.User("p4")] }), typeof(LimitExceededException) },
        { "room: name too long", (h, r, c, m) => h.Rooms.CreateRoomAsync(Alice, new CreateRoomRequest { Name = new string('n', 21) }), typeof(LimitExceededException) },
        { "room: user cannot auto-respond", (h, r, c, m) => h.Rooms.CreateRoomAsync(Alice, new CreateRoomRequest { Participants = [new ParticipantSpec { AccountId = "u", AutoRespond = true }] }), typeof(InvalidArgumentException) },
        { "room: system as participant", (h, r, c, m) => h.Rooms.CreateRoomAsync(Alice, new CreateRoomRequest { Participants = [new ParticipantSpec { AccountId = "s", Kind = AccountKind.System }] }), typeof(InvalidArgumentException) },
        { "room: unknown role", (h, r, c, m) => h.Rooms.CreateRoomAsync(Alice, new CreateRoomRequest { Participants = [new ParticipantSpec { AccountId = "u", Role = (ParticipantRole)42 }] }), typeof(InvalidArgumentException) },
        { "room: null participant entry", (h, r, c, m) => h.Rooms.CreateRoomAsync(Alice, new CreateRoomRequest { Participants = [null!] }), typeof(InvalidArgumentException) },
        { "room: unknown room", (h, r, c, m) => h.Rooms.GetRoomAsync(Alice, "nope"), typeof(NotFoundException) },
        { "direct: one account", (h, r, c, m) => h.Rooms.GetOrCreateDirectRoomAsync(Alice, [ParticipantSpec.User("alice"), ParticipantSpec.User("alice")]), typeof(InvalidArgumentException) },
        { "direct: one id, two kinds", (h, r, c, m) => h.Rooms.GetOrCreateDirectRoomAsync(Alice, [ParticipantSpec.User("alice"), ParticipantSpec.User("x"), ParticipantSpec.Agent("x")]), typeof(InvalidArgumentException) },
        { "participant: already there", (h, r, c, m) => h.Participants.AddAsync(Alice, r, ParticipantSpec.User("bob")), typeof(ConflictException) },
        { "participant: unknown target", (h, r, c, m) => h.Participants.RemoveAsync(Alice, r, "ghost"), typeof(NotFoundException) },
        { "participant: user auto-respond update", (h, r, c, m) => h.Participants.UpdateAsync(Alice, r, "bob", new ParticipantUpdate { AutoRespond = true }), typeof(InvalidArgumentException) },
        { "conversation: title too long", (h, r, c, m) => h.Conversations.CreateAsync(Alice, r, new CreateConversationRequest { Title = new string('t', 21) }), typeof(LimitExceededException) },
        { "conversation: unknown room", (h, r, c, m) => h.Conversations.CreateAsync(Alice, "nope"), typeof(NotFoundException) },
        { "read: beyond the log", (h, r, c, m) => h.Conversations.MarkReadAsync(Alice, c, 99), typeof(InvalidArgumentException) },
        { "read: system has no marker", (h, r, c, m) => h.Conversations.MarkReadAsync(Account.System, c, 1), typeof(InvalidArgumentException) },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Invariant9_BadInput_IsRefusedWithItsTypedError_AndChangesNothing(string name, Func<ConversationsTestHost, string, string, string, Task> act, Type expected)
    {
        var before = await SnapshotAsync();

        var thrown = await FluentActions.Awaiting(() => act(_host, _room.Id, _conversation.Id, _message.Id)).Should().ThrowAsync<Exception>(name);
        thrown.Which.Should().BeOfType(expected, name);
        if (thrown.Which is ConversationsException typed)
        {
            typed.Code.Value.Should().NotBeNullOrEmpty();
        }

        (await SnapshotAsync()).Should().Be(before, "a refused call changes nothing ({0})", name);
    }

    [Fact]
    public void ErrorCodes_AreStable()
    {
        new NotFoundException("x").Code.Value.Should().Be("not_found");
        new ForbiddenException("x").Code.Value.Should().Be("forbidden");
        new ConflictException("x").Code.Value.Should().Be("conflict");
        new InvalidArgumentException("x").Code.Value.Should().Be("invalid_argument");
        new LimitExceededException("x").Code.Value.Should().Be("limit_exceeded");
        new UnavailableException("x").Code.Value.Should().Be("unavailable");
        new UnauthenticatedException("x").Code.Value.Should().Be("unauthenticated");
    }

    private static Attachment File(string name) => Attachment.ForAsset(name);

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement;

    private async Task<string> SnapshotAsync()
    {
        var store = _host.Store;
        var ct = Timeout();
        var rooms = await store.GetRoomsForAccountAsync("alice", ct);
        var participants = await store.GetParticipantsAsync(_room.Id, ct);
        var conversations = await store.GetConversationsAsync(_room.Id, ct);
        var log = await store.ReadLogAsync(_conversation.Id, 0, 1000, ct);
        var markers = await store.GetReadMarkersAsync(_conversation.Id, ct);
        return JsonSerializer.Serialize(new
        {
            rooms = rooms.Select(r => r.Id),
            participants = participants.Select(p => $"{p.AccountId}:{p.Role}:{p.AutoRespond}:{p.DisplayName}"),
            conversations = conversations.Select(c => $"{c.Id}:{c.LastSequence}"),
            log = log.Select(e => $"{e.Sequence}:{e.Kind}:{e.Message.Text}:{e.Message.Status}"),
            markers = markers.Select(m => $"{m.AccountId}:{m.Sequence}"),
        });
    }
}
