using System.Text.Json;

namespace Conversations.Abstractions.Tests;

public sealed class EventJsonTests
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    public static TheoryData<ConversationEvent, string> Events => new()
    {
        { new RoomCreatedEvent { RoomId = "r", ActorId = "a", Timestamp = At, Room = new Room { Id = "r", Kind = RoomKind.Standard, CreatedBy = "a", CreatedAt = At }, Participants = [] }, "room.created" },
        { new ParticipantAddedEvent { RoomId = "r", ActorId = "a", Timestamp = At, Participant = new Participant { RoomId = "r", AccountId = "b", Kind = AccountKind.User, Role = ParticipantRole.Member, JoinedAt = At } }, "room.participant_added" },
        { new ParticipantRemovedEvent { RoomId = "r", ActorId = "a", Timestamp = At, AccountId = "b" }, "room.participant_removed" },
        { new ParticipantUpdatedEvent { RoomId = "r", ActorId = "a", Timestamp = At, Participant = new Participant { RoomId = "r", AccountId = "b", Kind = AccountKind.Agent, Role = ParticipantRole.Admin, AutoRespond = true, JoinedAt = At } }, "room.participant_updated" },
        { new ConversationCreatedEvent { RoomId = "r", ConversationId = "c", ActorId = "a", Timestamp = At, Conversation = new Conversation { Id = "c", RoomId = "r", CreatedBy = "a", CreatedAt = At } }, "conversation.created" },
        { new MessagePostedEvent { RoomId = "r", ConversationId = "c", ActorId = "a", Timestamp = At, Sequence = 1, Message = Sample(), ChainDepth = 2 }, "conversation.message_posted" },
        { new MessageUpdatedEvent { RoomId = "r", ConversationId = "c", ActorId = "a", Timestamp = At, Sequence = 2, Message = Sample() }, "conversation.message_updated" },
        { new MessageDeletedEvent { RoomId = "r", ConversationId = "c", ActorId = "a", Timestamp = At, Sequence = 3, Message = Sample() }, "conversation.message_deleted" },
        { new MessageDeltaEvent { RoomId = "r", ConversationId = "c", ActorId = "a", Timestamp = At, MessageId = "m", MessageSequence = 1, Index = 0, Delta = "he" }, "conversation.message_delta" },
        { new TypingEvent { RoomId = "r", ConversationId = "c", ActorId = "a", Timestamp = At, IsTyping = true }, "conversation.typing" },
        { new ReadEvent { RoomId = "r", ConversationId = "c", ActorId = "a", Timestamp = At, Sequence = 4 }, "conversation.read" },
        { new FlowFailedEvent { RoomId = "r", ConversationId = "c", ActorId = "bot", Timestamp = At, AgentId = "bot", TriggerSequence = 1, ErrorCode = "internal", ErrorMessage = "x" }, "conversation.flow_failed" },
    };

    private static DateTimeOffset At => new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    [Theory]
    [MemberData(nameof(Events))]
    public void Events_SerializeWithTheirPublicName_AndRoundTrip(ConversationEvent e, string name)
    {
        e.Type.Value.Should().Be(name);
        var json = JsonSerializer.Serialize(e, Web);
        using var document = JsonDocument.Parse(json);
        document.RootElement.GetProperty("type").GetString().Should().Be(name);
        document.RootElement.EnumerateObject().Count(p => p.Name == "type").Should().Be(1);

        var back = JsonSerializer.Deserialize<ConversationEvent>(json, Web)!;
        back.Should().BeOfType(e.GetType());
        back.Type.Should().Be(e.Type);
        JsonSerializer.Serialize(back, Web).Should().Be(json);
    }

    [Fact]
    public void UnknownEventName_IsRefused()
    {
        var act = () => JsonSerializer.Deserialize<ConversationEvent>("""{"type":"room.exploded","roomId":"r","actorId":"a","timestamp":"2026-01-01T00:00:00Z"}""", Web);
        act.Should().Throw<JsonException>().WithMessage("*room.exploded*");
    }

    [Fact]
    public void Accounts_CompareByKindAndId()
    {
        Account.User("a").Should().Be(Account.User("a"));
        Account.User("a").Should().NotBe(Account.Agent("a"));
        Account.Create("x", AccountKind.System).Should().BeSameAs(Account.System);
        Account.System.IsSystem.Should().BeTrue();
        FluentActions.Invoking(() => Account.Agent("")).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => Account.Create("a", (AccountKind)9)).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void CodesAndEventTypes_CompareByValue_AndDefaultsAreSafe()
    {
        new ConversationsErrorCode("not_found").Should().Be(ConversationsErrorCode.NotFound);
        default(ConversationsErrorCode).Value.Should().Be("internal");
        new ConversationEventType("room.created").Should().Be(ConversationEventType.RoomCreated);
        (ConversationEventType.Typing != ConversationEventType.Read).Should().BeTrue();
        FluentActions.Invoking(() => new ConversationsErrorCode(" ")).Should().Throw<ArgumentException>();
    }

    private static Message Sample() => new()
    {
        Id = "m",
        RoomId = "r",
        ConversationId = "c",
        Sequence = 1,
        LastSequence = 1,
        SenderId = "a",
        SenderKind = AccountKind.User,
        Text = "hello",
        Attachments = [new Attachment { AssetId = "asset-1", Name = "f", MediaType = "text/plain", Size = 3 }],
        Data = JsonDocument.Parse("""{"k":1}""").RootElement,
        CreatedAt = At,
    };
}
