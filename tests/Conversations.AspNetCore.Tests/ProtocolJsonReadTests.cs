using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Conversations.Protocol;
using FluentAssertions;
using Xunit;

namespace Conversations.AspNetCore.Tests;

/// <summary>
/// The hand-written readers of messages, busy events and server frames read exactly what the generated contract writes
/// and reads: every property, any order, unknown ones skipped, enums in any case, and a typed error for bad input.
/// </summary>
public sealed class ProtocolJsonReadTests
{
    private static readonly ProtocolJson Json = ProtocolJson.Default;

    private static readonly JsonSerializerOptions SmallBuffers = new(Json.Options) { DefaultBufferSize = 16 };

    private static readonly DateTimeOffset At = new(2026, 11, 26, 8, 30, 15, 123, TimeSpan.FromHours(2));

    [Fact]
    public void Every_property_of_a_message_is_read_back()
    {
        var message = FullMessage();
        // A property added to Message without a value here (and a case in the reader) fails this test.
        typeof(Message).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite)
            .Where(p => Equals(p.GetValue(message), DefaultOf(p.PropertyType)))
            .Select(p => p.Name).Should().BeEmpty("the sample message sets every property");

        var written = JsonSerializer.SerializeToUtf8Bytes(message, ProtocolJsonContext.Default.Message);
        var read = JsonSerializer.Deserialize(written, Json.Message)!;

        Rewrite(read).Should().Be(Encoding.UTF8.GetString(written));
        read.Should().BeEquivalentTo(message, o => o.Excluding(m => m.Data));
        read.Data!.Value.GetProperty("score").GetInt32().Should().Be(7);
    }

    [Fact]
    public void A_posted_event_and_a_delta_are_read_back_with_every_property()
    {
        ConversationEvent[] events =
        [
            new MessagePostedEvent { RoomId = "r1", ConversationId = "c1", ActorId = "u1", Timestamp = At, Sequence = 41, Message = FullMessage(), ChainDepth = 2, TriggerCount = 3 },
            new MessageDeltaEvent { RoomId = "r1", ConversationId = "c1", ActorId = "agent", Timestamp = At, MessageId = "m9", MessageSequence = 42, Index = 5, Delta = "wor\"ld\n" },
            new TypingEvent { RoomId = "r1", ConversationId = "c1", ActorId = "u2", Timestamp = At, IsTyping = true },
        ];

        foreach (var e in events)
        {
            var written = JsonSerializer.SerializeToUtf8Bytes(e, Json.ConversationEvent);
            var read = JsonSerializer.Deserialize(written, Json.ConversationEvent)!;

            read.Should().BeOfType(e.GetType());
            Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(read, Json.ConversationEvent)).Should().Be(Encoding.UTF8.GetString(written));
        }
    }

    [Fact]
    public void Properties_in_any_order_unknown_ones_escaped_names_and_enums_in_any_case_are_read()
    {
        const string Text = """
            {"type":"conversation.message_posted","extra":{"nested":[1,{"a":null}]},"sequence":7,"timestamp":"2026-11-26T08:30:15+00:00",
             "message":{"createdAt":"2026-11-26T08:30:15+00:00","senderKind":"AGENT","text":"hi","lastSequence":7,"sequence":7,
                        "senderId":"bot","conversationId":"c1","\u0072oomId":"r1","id":"m1","status":"STREAMING","future":true,"attachments":[]},
             "actorId":"bot","roomId":"r1"}
            """;

        var read = (MessagePostedEvent)JsonSerializer.Deserialize(Text, Json.ConversationEvent)!;

        read.Sequence.Should().Be(7);
        read.ConversationId.Should().BeNull();
        read.Message.RoomId.Should().Be("r1");
        read.Message.SenderKind.Should().Be(AccountKind.Agent);
        read.Message.Status.Should().Be(MessageStatus.Streaming);
        read.Message.Attachments.Should().BeEmpty();
        read.Message.Text.Should().Be("hi");
    }

    [Fact]
    public void Event_frames_leave_out_what_a_message_event_repeats_and_the_reader_fills_it_in()
    {
        var plain = new Message { Id = "m1", RoomId = "r1", ConversationId = "c1", Sequence = 41, LastSequence = 41, SenderId = "u1", SenderKind = AccountKind.User, Text = "hi", CreatedAt = At };
        var posted = new MessagePostedEvent { RoomId = "r1", ConversationId = "c1", ActorId = "u1", Timestamp = At, Sequence = 41, Message = plain, ChainDepth = 2, TriggerCount = 1 };
        var updated = new MessageUpdatedEvent { RoomId = "r1", ConversationId = "c1", ActorId = "moderator", Timestamp = At.AddMinutes(1), Sequence = 43, Message = FullMessage() };
        var deleted = new MessageDeletedEvent { RoomId = "r1", ConversationId = "c1", ActorId = "u1", Timestamp = At.AddMinutes(3), Sequence = 44, Message = plain };

        var postedJson = JsonNode.Parse(JsonSerializer.SerializeToUtf8Bytes<ConversationEvent>(posted, Json.EventFrame))!.AsObject();
        postedJson.Select(p => p.Key).Should().BeEquivalentTo("type", "roomId", "conversationId", "sequence", "message", "chainDepth", "triggerCount");
        postedJson["message"]!.AsObject().Select(p => p.Key).Should().BeEquivalentTo("id", "sequence", "senderId", "senderKind", "text", "createdAt");

        // What differs from the message is written: another actor, a later time, a last sequence, a status, attachments.
        var updatedJson = JsonNode.Parse(JsonSerializer.SerializeToUtf8Bytes<ConversationEvent>(updated, Json.EventFrame))!.AsObject();
        updatedJson.Select(p => p.Key).Should().Contain(["actorId", "timestamp"]);
        updatedJson["message"]!.AsObject().Select(p => p.Key).Should().Contain(["lastSequence", "status", "attachments"]).And.NotContain(["roomId", "conversationId"]);

        foreach (var e in new MessageLogEvent[] { posted, updated, deleted })
        {
            var read = JsonSerializer.Deserialize(JsonSerializer.SerializeToUtf8Bytes<ConversationEvent>(e, Json.EventFrame), Json.ConversationEvent);

            read.Should().BeOfType(e.GetType()).And.BeEquivalentTo(e, o => o.RespectingRuntimeTypes().Excluding(m => m.Message.Data));
            Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(read!, Json.ConversationEvent)).Should().Be(Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes<ConversationEvent>(e, Json.ConversationEvent)));
        }
    }

    [Fact]
    public void Only_message_events_carry_a_message()
    {
        // Event frames write every message without its room and conversation, and only the message events' reader fills
        // them in: an event of another kind that carried a message would be unreadable.
        var carriers = from type in typeof(ConversationEvent).Assembly.GetTypes()
                       where type.IsSubclassOf(typeof(ConversationEvent)) && !type.IsAbstract
                       from property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                       where property.PropertyType == typeof(Message) || typeof(IEnumerable<Message>).IsAssignableFrom(property.PropertyType)
                       select type;

        carriers.Should().BeEquivalentTo([typeof(MessagePostedEvent), typeof(MessageUpdatedEvent), typeof(MessageDeletedEvent)]);
    }

    [Fact]
    public void A_message_event_whose_message_comes_before_the_event_ids_is_read_whole()
    {
        const string Text = """
            {"type":"conversation.message_updated","sequence":9,"message":{"id":"m1","sequence":3,"senderId":"u1","senderKind":"user","text":"edited",
             "createdAt":"2026-11-26T08:30:15+00:00","editedAt":"2026-11-26T08:31:15+00:00"},"conversationId":"c1","roomId":"r1","timestamp":"2026-11-26T08:31:15+00:00"}
            """;

        var read = (MessageUpdatedEvent)JsonSerializer.Deserialize(Text, Json.ConversationEvent)!;

        read.Message.RoomId.Should().Be("r1");
        read.Message.ConversationId.Should().Be("c1");
        read.Message.LastSequence.Should().Be(3, "a left-out last sequence is the message's sequence");
        read.Message.Status.Should().Be(MessageStatus.Complete);
        read.ActorId.Should().Be("u1", "a left-out actor is the message's sender");
        read.Timestamp.Should().Be(read.Message.EditedAt!.Value);
    }

    [Theory]
    [InlineData("""{"type":"conversation.message_posted","roomId":"r1","actorId":"a","timestamp":"2026-11-26T08:30:15Z","message":null,"sequence":1}""")]
    [InlineData("""{"type":"conversation.message_posted","roomId":"r1","actorId":"a","timestamp":"2026-11-26T08:30:15Z","sequence":1}""")]
    [InlineData("""{"type":"conversation.message_posted","roomId":"r1","actorId":"a","timestamp":"2026-11-26T08:30:15Z","sequence":"one","message":{}}""")]
    [InlineData("""{"type":"conversation.message_delta","roomId":"r1","actorId":"a","timestamp":"2026-11-26T08:30:15Z","messageId":"m","messageSequence":1,"index":0}""")]
    [InlineData("""{"type":"conversation.message_delta","roomId":"r1","actorId":"a","timestamp":"yesterday","messageId":"m","messageSequence":1,"index":0,"delta":"x"}""")]
    [InlineData("""{"type":"conversation.message_deleted","conversationId":"c1","sequence":2,"message":{"id":"m","sequence":1,"senderId":"u","senderKind":"user","createdAt":"2026-11-26T08:30:15Z"}}""")]
    [InlineData("""{"type":"conversation.not_a_type","roomId":"r1"}""")]
    [InlineData("""{"roomId":"r1","type":"conversation.message_delta"}""")]
    [InlineData("""["conversation.message_posted"]""")]
    public void Bad_events_are_a_json_error(string text)
    {
        var read = () => JsonSerializer.Deserialize(text, Json.ConversationEvent);

        read.Should().Throw<JsonException>();
    }

    [Theory]
    [InlineData("""{"id":"m","roomId":"r1","conversationId":"c1","sequence":1,"lastSequence":1,"senderId":"u","senderKind":"user"}""", "createdAt")]
    [InlineData("""{"id":"m","conversationId":"c1","sequence":1,"lastSequence":1,"senderId":"u","senderKind":"user","createdAt":"2026-11-26T08:30:15Z"}""", "roomId")]
    [InlineData("""{"id":"m","roomId":"r1","conversationId":"c1","sequence":1,"senderId":"u","senderKind":"user","createdAt":"2026-11-26T08:30:15Z"}""", "lastSequence")]
    [InlineData("""{"id":"m","roomId":"r1","conversationId":"c1","sequence":1,"lastSequence":1,"senderId":"u","senderKind":"robot","createdAt":"2026-11-26T08:30:15Z"}""", "BytePositionInLine: 111")]
    [InlineData("""{"id":"m","roomId":"r1","conversationId":"c1","sequence":1,"lastSequence":1,"senderId":"u","senderKind":1,"createdAt":"2026-11-26T08:30:15Z"}""", "BytePositionInLine: 105")]
    [InlineData("""{"id":"m","roomId":"r1","conversationId":"c1","sequence":1.5,"lastSequence":1,"senderId":"u","senderKind":"user","createdAt":"2026-11-26T08:30:15Z"}""", "BytePositionInLine: 60")]
    public void Bad_messages_are_a_json_error(string text, string named)
    {
        var read = () => JsonSerializer.Deserialize(text, Json.Message);

        read.Should().Throw<JsonException>().Which.Message.Should().Contain(named);
    }

    [Fact]
    public async Task Events_are_read_from_a_stream_in_small_pieces()
    {
        var e = new MessagePostedEvent { RoomId = "r1", ConversationId = "c1", ActorId = "u1", Timestamp = At, Sequence = 41, Message = FullMessage() };
        using var stream = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes<ConversationEvent>(e, Json.ConversationEvent));

        var read = await JsonSerializer.DeserializeAsync<ConversationEvent>(stream, SmallBuffers);

        read.Should().BeOfType<MessagePostedEvent>().Which.Message.Text.Should().Be(e.Message.Text);
    }

    [Fact]
    public void An_event_frame_that_names_its_subscription_first_is_read_into_its_event()
    {
        var e = new MessageDeltaEvent { RoomId = "r1", ConversationId = "c1", ActorId = "agent", Timestamp = At, MessageId = "m9", MessageSequence = 42, Index = 5, Delta = "x" };
        var line = Frame("event", "conversation:c1", JsonSerializer.SerializeToNode(e, Json.ConversationEvent)!, subscriptionFirst: true);

        var frame = ServerFrameReader.Read(line);

        frame.Type.Should().BeSameAs(ServerFrameTypes.Event);
        frame.Subscription.Should().Be("conversation:c1");
        frame.Event.Should().BeNull();
        frame.ConversationEvent.Should().BeOfType<MessageDeltaEvent>().Which.Delta.Should().Be("x");
    }

    [Fact]
    public void An_event_frame_that_puts_its_event_first_is_read_once_the_subscription_is_known()
    {
        var inbox = new InboxRoomRemovedEvent { RoomId = "r1", Timestamp = At };
        var line = Frame("event", SubscriptionNames.Inbox, JsonSerializer.SerializeToNode(inbox, Json.InboxEvent)!, subscriptionFirst: false);

        var frame = ServerFrameReader.Read(line);
        frame.InboxEvent.Should().BeNull();
        ServerFrameReader.ReadEvent(frame, frame.Event!.Value);

        frame.InboxEvent.Should().BeOfType<InboxRoomRemovedEvent>().Which.RoomId.Should().Be("r1");
        frame.ConversationEvent.Should().BeNull();
    }

    [Fact]
    public void Frames_read_with_one_connections_recent_strings_share_their_subscription_room_conversation_and_sender_ids()
    {
        var recent = new RecentStrings();
        var first = ServerFrameReader.Read(LogFrame("m1", 1), recent);
        var second = ServerFrameReader.Read(LogFrame("m2", 2), recent);
        var alone = ServerFrameReader.Read(LogFrame("m2", 2));

        second.Subscription.Should().BeSameAs(first.Subscription).And.Be("conversation:c1");
        second.ConversationEvent!.RoomId.Should().BeSameAs(first.ConversationEvent!.RoomId);
        second.ConversationEvent.ConversationId.Should().BeSameAs(first.ConversationEvent.ConversationId);
        ((MessagePostedEvent)second.ConversationEvent).Message.SenderId.Should().BeSameAs(((MessagePostedEvent)first.ConversationEvent).Message.SenderId).And.Be("u1");
        second.ConversationEvent.Should().BeEquivalentTo(alone.ConversationEvent, o => o.RespectingRuntimeTypes());
        alone.Subscription.Should().NotBeSameAs(first.Subscription, "without recent strings every frame decodes its own");

        static byte[] LogFrame(string id, long sequence) => Encoding.UTF8.GetBytes(
            $$$$"""{"type":"event","subscription":"conversation:c1","event":{"type":"conversation.message_posted","roomId":"r1","conversationId":"c1","sequence":{{{{sequence}}}},"message":{"id":"{{{{id}}}}","sequence":{{{{sequence}}}},"senderId":"u1","senderKind":"user","createdAt":"2026-11-26T08:30:15+00:00"}}}""");
    }

    [Fact]
    public void The_deltas_of_one_stream_read_with_recent_strings_share_its_message_and_agent_ids()
    {
        var recent = new RecentStrings();
        var first = (MessageDeltaEvent)ServerFrameReader.Read(DeltaFrame(0, "Hel"), recent).ConversationEvent!;
        var second = (MessageDeltaEvent)ServerFrameReader.Read(DeltaFrame(1, "lo"), recent).ConversationEvent!;

        second.MessageId.Should().BeSameAs(first.MessageId).And.Be("m-streaming");
        second.ActorId.Should().BeSameAs(first.ActorId).And.Be("agent-1");
        (first.Delta + second.Delta).Should().Be("Hello");
        second.Index.Should().Be(1);

        static byte[] DeltaFrame(int index, string delta) => Encoding.UTF8.GetBytes(
            $$$$"""{"type":"event","subscription":"conversation:c1","event":{"type":"conversation.message_delta","roomId":"r1","conversationId":"c1","actorId":"agent-1","timestamp":"2026-11-26T08:30:15+00:00","messageId":"m-streaming","messageSequence":4,"index":{{{{index}}}},"delta":"{{{{delta}}}}"}}""");
    }

    [Fact]
    public void Recent_strings_read_every_value_right_when_more_values_pass_than_it_keeps_and_when_values_are_escaped_or_long()
    {
        var recent = new RecentStrings();
        // 20 ids (more than it keeps), one escaped, one long, then two seen earlier, and a null.
        string[] written = [.. Enumerable.Range(0, 20).Select(i => "\"id-" + i + "\""), "\"caf\\u00e9\"", "\"" + new string('x', 500) + "\"", "\"id-3\"", "\"id-19\"", "null"];
        string?[] expected = [.. Enumerable.Range(0, 20).Select(i => "id-" + i), "café", new string('x', 500), "id-3", "id-19", null];
        var json = Encoding.UTF8.GetBytes("[" + string.Join(",", written) + "]");
        var reader = new Utf8JsonReader(json);
        reader.Read();
        var read = new List<string?>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            read.Add(recent.Read(ref reader));
        }

        read.Should().Equal(expected);
    }

    [Fact]
    public void Recent_strings_keep_the_senders_of_a_busy_room_and_never_mistake_one_string_for_another()
    {
        var recent = new RecentStrings();
        // 40 senders take turns (ids that share a prefix and differ at the end, as generated ids do), as in a busy room.
        string[] senders = [.. Enumerable.Range(0, 40).Select(i => $"01JDQ5Z8K3M4N5P6Q7R8S9T{i:D3}")];
        var firstPass = senders.Select(s => recent.Read(Encoding.UTF8.GetBytes(s))).ToArray();
        var secondPass = senders.Select(s => recent.Read(Encoding.UTF8.GetBytes(s))).ToArray();

        firstPass.Should().Equal(senders);
        secondPass.Should().Equal(senders);
        secondPass.Where((s, i) => ReferenceEquals(s, firstPass[i])).Should().HaveCountGreaterThan(
            senders.Length * 3 / 4, "most senders are still kept when their turn comes again (eight were, before)");

        // Whatever a place holds, other bytes (another id, a prefix of it, non-ASCII text, nothing) read as themselves.
        string[] others = ["01JDQ5Z8K3M4N5P6Q7R8S9T00", "01JDQ5Z8K3M4N5P6Q7R8S9T0000", "café", "café", string.Empty, "a", "b", "ab", "ba"];
        others.Select(s => recent.Read(Encoding.UTF8.GetBytes(s))).Should().Equal(others);
        senders.Select(s => recent.Read(Encoding.UTF8.GetBytes(s))).Should().Equal(senders);
    }

    [Fact]
    public void Acks_errors_and_the_welcome_are_read()
    {
        var ack = ServerFrameReader.Read("""{"type":"ack","id":"7","result":{"sequence":3,"ids":["a"]}}"""u8);
        var error = ServerFrameReader.Read("""{"type":"error","id":null,"code":"limit_exceeded","message":"slow down","retryAfterMs":1500}"""u8);
        var welcome = ServerFrameReader.Read("""{"type":"welcome","protocol":"conversations.v1","accountId":"u1","accountKind":"agent","maxMessageBytes":65536,"later":[1,2]}"""u8);
        var ended = ServerFrameReader.Read("""{"type":"subscription_ended","subscription":"room:r1","roomId":"r1","code":"forbidden","message":"removed"}"""u8);

        ack.Id.Should().Be("7");
        ack.Result!.Value.GetProperty("sequence").GetInt64().Should().Be(3);
        error.Id.Should().BeNull();
        error.Code.Should().Be("limit_exceeded");
        error.RetryAfterMs.Should().Be(1500);
        welcome.AccountKind.Should().Be(AccountKind.Agent);
        welcome.MaxMessageBytes.Should().Be(65536);
        welcome.Protocol.Should().Be("conversations.v1");
        ended.RoomId.Should().Be("r1");
        ended.Message.Should().Be("removed");
    }

    [Fact]
    public void A_frame_read_into_a_used_instance_keeps_nothing_of_the_last_one()
    {
        var frame = ServerFrameReader.Read("""{"type":"ack","id":"7","result":{"sequence":3}}"""u8);
        var again = ServerFrameReader.Read("""{"type":"error","code":"conflict","message":"taken"}"""u8, into: frame);

        again.Should().BeSameAs(frame);
        again.Id.Should().BeNull();
        again.Result.Should().BeNull();
        again.Code.Should().Be("conflict");

        // Clear forgets every property, including any added later.
        foreach (var property in typeof(ServerFrame).GetProperties())
        {
            var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            var sample = type == typeof(string) ? "x"
                : type.IsValueType ? Activator.CreateInstance(type)
                : RuntimeHelpers.GetUninitializedObject(type.IsAbstract ? type.Assembly.GetTypes().First(t => t.IsSubclassOf(type) && !t.IsAbstract) : type);
            property.SetValue(frame, sample);
        }

        frame.Clear();
        typeof(ServerFrame).GetProperties().Where(p => p.GetValue(frame) is not null).Select(p => p.Name).Should().BeEmpty();
    }

    [Theory]
    [InlineData("""[1,2]""")]
    [InlineData("""{"type":"event","subscription":"conversation:c1","event":{"type":"conversation.from_the_future","roomId":"r1"}}""")]
    [InlineData("""{"type":"ack","id":"7","retryAfterMs":"soon"}""")]
    [InlineData("{\"type\":\"ack\",\"id\":\"7")]
    public void Frames_it_cannot_read_are_a_json_error(string text)
    {
        var read = () => ServerFrameReader.Read(Encoding.UTF8.GetBytes(text));

        read.Should().Throw<JsonException>();
    }

    /// <summary>A message with every property set (also the compact events' round trip uses it).</summary>
    internal static Message FullMessage() => new()
    {
        Id = "m1",
        RoomId = "r1",
        ConversationId = "c1",
        Sequence = 41,
        LastSequence = 43,
        SenderId = "agent-7",
        SenderKind = AccountKind.Agent,
        Text = "Héllo, \"world\" \u2603\n",
        Format = MessageFormat.Markdown,
        Attachments = [new Attachment { AssetId = "a1", Name = "report.pdf", MediaType = "application/pdf", Size = 12345 }],
        Data = JsonDocument.Parse("""{"score":7,"tags":["x"]}""").RootElement,
        ReplyToId = "m0",
        ClientMessageId = "client-1",
        Status = MessageStatus.Stopped,
        CreatedAt = At,
        EditedAt = At.AddMinutes(1),
        DeletedAt = At.AddMinutes(2),
        ChainDepth = 4,
    };

    private static object? DefaultOf(Type type) => type.IsValueType ? Activator.CreateInstance(type) : null;

    private static string Rewrite(Message message) => Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(message, ProtocolJsonContext.Default.Message));

    private static byte[] Frame(string type, string subscription, JsonNode @event, bool subscriptionFirst)
    {
        var frame = new JsonObject { ["type"] = type };
        if (subscriptionFirst)
        {
            frame["subscription"] = subscription;
            frame["event"] = @event;
        }
        else
        {
            frame["event"] = @event;
            frame["subscription"] = subscription;
        }

        return Encoding.UTF8.GetBytes(frame.ToJsonString());
    }
}
