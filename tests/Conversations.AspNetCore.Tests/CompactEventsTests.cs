using System.Buffers.Binary;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Conversations.Client;
using Conversations.Protocol;
using FluentAssertions;
using Xunit;

namespace Conversations.AspNetCore.Tests;

/// <summary>
/// <c>conversations.v1.compact</c>: message events as binary records. A record reads back as exactly the event its JSON
/// frame does; malformed records are typed errors; the server sends them only to a client that asked, and the .NET client
/// sees the same events either way.
/// </summary>
public sealed class CompactEventsTests
{
    private const string Compact = "conversations.v1.compact";

    private static readonly ProtocolJson Json = ProtocolJson.Default;

    private static readonly DateTimeOffset At = new(2026, 11, 26, 8, 30, 15, 123, TimeSpan.FromHours(2));

    [Fact]
    public void Every_message_event_reads_back_from_its_record_as_the_event_written()
    {
        // A property added to Message without a value here (and a field in the record) fails this test.
        var full = ProtocolJsonReadTests.FullMessage();
        typeof(Message).GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance).Where(p => p.CanWrite)
            .Where(p => Equals(p.GetValue(full), p.PropertyType.IsValueType ? Activator.CreateInstance(p.PropertyType) : null))
            .Select(p => p.Name).Should().BeEmpty("the sample message sets every property");
        var plain = new Message
        {
            Id = "m2", RoomId = "r1", ConversationId = "c1", Sequence = 2, LastSequence = 2, SenderId = "u1", SenderKind = AccountKind.User,
            Text = "hi", CreatedAt = new DateTimeOffset(2026, 11, 26, 7, 0, 0, TimeSpan.Zero).AddTicks(1234567),
        };
        ConversationEvent[] events =
        [
            new MessagePostedEvent { RoomId = "r1", ConversationId = "c1", ActorId = "u1", Timestamp = plain.CreatedAt, Sequence = 2, Message = plain },
            new MessagePostedEvent { RoomId = "r1", ConversationId = "c1", ActorId = "system", Timestamp = At.AddSeconds(1), Sequence = 41, Message = ProtocolJsonReadTests.FullMessage(), ChainDepth = 2, TriggerCount = 3 },
            new MessageUpdatedEvent { RoomId = "r1", ConversationId = "c1", ActorId = "agent-7", Timestamp = At.AddMinutes(1), Sequence = 43, Message = ProtocolJsonReadTests.FullMessage() },
            new MessageDeletedEvent { RoomId = "r1", ConversationId = "c1", ActorId = "owner", Timestamp = At.ToOffset(TimeSpan.FromMinutes(-330)), Sequence = 44, Message = ProtocolJsonReadTests.FullMessage() },
        ];

        // The same for the posted event's own properties.
        typeof(MessagePostedEvent).GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance).Where(p => p.CanWrite)
            .Where(p => Equals(p.GetValue(events[1]), p.PropertyType.IsValueType ? Activator.CreateInstance(p.PropertyType) : null))
            .Select(p => p.Name).Should().BeEmpty("the sample event sets every property");

        foreach (var e in events)
        {
            var record = CompactEvents.Write((MessageLogEvent)e, "conversation:c1");
            var rest = (ReadOnlySpan<byte>)record;
            var frame = new ServerFrame();

            CompactEvents.TryRead(ref rest, new RecentStrings(), frame).Should().BeTrue();

            rest.IsEmpty.Should().BeTrue();
            frame.Type.Should().Be(ServerFrameTypes.Event);
            frame.Subscription.Should().Be("conversation:c1");
            frame.ConversationEvent.Should().BeOfType(e.GetType());
            Written(frame.ConversationEvent!).Should().Be(Written(e));
            frame.ConversationEvent!.Timestamp.Offset.Should().Be(e.Timestamp.Offset);
            ((MessageLogEvent)frame.ConversationEvent).Message.CreatedAt.Offset.Should().Be(((MessageLogEvent)e).Message.CreatedAt.Offset);
        }
    }

    [Fact]
    public void A_record_is_laid_out_as_docs_protocol_md_says()
    {
        var createdAt = DateTimeOffset.FromUnixTimeMilliseconds(1000).ToOffset(TimeSpan.FromHours(1));
        var posted = new MessagePostedEvent
        {
            RoomId = "r1", ConversationId = "c1", ActorId = "bot", Timestamp = createdAt, Sequence = 5, ChainDepth = 2, TriggerCount = 1,
            Message = new Message
            {
                Id = "m5", RoomId = "r1", ConversationId = "c1", Sequence = 5, LastSequence = 5, SenderId = "bot", SenderKind = AccountKind.Agent,
                Text = "hi", Format = MessageFormat.Markdown, Status = MessageStatus.Streaming, CreatedAt = createdAt,
            },
        };
        byte[] payload =
        [
            30, .. "conversation:c1"u8, // the subscription: its length (15, zigzag-encoded) and UTF-8 bytes
            1, // posted
            4, .. "r1"u8, 4, .. "c1"u8, 10, // room, conversation, sequence 5
            1, 0, // the actor and the time are the message's: none, none
            4, .. "m5"u8, 10, 10, 6, .. "bot"u8, // id, sequence, last sequence, sender
            1, 4, .. "hi"u8, 1, 1, // agent, text, markdown, streaming
            1, 1, // no reply-to, no client message id
            1, 0x80, 0x96, 0x98, 0, 0, 0, 0, 0, 60, 0, // created 10,000,000 ticks after the epoch, at UTC+60 minutes
            0, 0, 0, // not edited, not deleted, chain depth 0
            1, 1, // no attachments, no data
            4, 2, // the event's chain depth 2 and trigger count 1
        ];

        CompactEvents.Write(posted, "conversation:c1").Should().Equal([CompactEvents.MessageEventRecord, (byte)payload.Length, 0, 0, 0, .. payload]);
    }

    [Fact]
    public void A_posted_message_record_is_much_smaller_than_its_JSON_frame()
    {
        var id = new string('a', 32);
        var message = new Message
        {
            Id = id, RoomId = id, ConversationId = id, Sequence = 1234, LastSequence = 1234, SenderId = "alice", SenderKind = AccountKind.User,
            Text = "Shall we meet at ten?", CreatedAt = At,
        };
        var posted = new MessagePostedEvent { RoomId = id, ConversationId = id, ActorId = "alice", Timestamp = At, Sequence = 1234, Message = message };

        var record = CompactEvents.Write(posted, "conversation:" + id);
        var frame = Conversations.Internal.FrameWriter.Event(posted, "conversation:" + id);

        // About half; four 32-character ids are most of the record, and what is not ids is under a third of the frame's.
        record.Length.Should().BeLessThan(frame.Length * 55 / 100);
        (record.Length - (4 * 32)).Should().BeLessThan((frame.Length - (4 * 32)) / 3);
    }

    [Fact]
    public void Records_of_one_message_are_read_in_order_skipping_kinds_this_reader_does_not_know_and_fields_added_later()
    {
        var first = CompactEvents.Write(Posted(1, "one"), "conversation:c1");
        var unknown = new byte[] { 0x7F, 3, 0, 0, 0, 1, 2, 3 };
        var later = WithExtraBytes(CompactEvents.Write(Posted(2, "two"), "conversation:c1"), [9, 9, 9]);
        var rest = (ReadOnlySpan<byte>)[.. first, .. unknown, .. later];
        var frame = new ServerFrame();
        var recent = new RecentStrings();
        var read = new List<string>();
        var skipped = 0;

        while (!rest.IsEmpty)
        {
            if (CompactEvents.TryRead(ref rest, recent, frame))
            {
                read.Add(((MessagePostedEvent)frame.ConversationEvent!).Message.Text);
            }
            else
            {
                skipped++;
            }
        }

        read.Should().Equal("one", "two");
        skipped.Should().Be(1);
    }

    [Fact]
    public void Malformed_records_are_refused_with_a_typed_error()
    {
        var good = CompactEvents.Write(Posted(1, "hi"), "conversation:c1");
        var payload = good.AsSpan(5).ToArray();

        // The header or the length is broken: the rest of the message cannot be trusted and is dropped.
        Refuses([0x01, 0x05, 0x00], restAfter: 0);
        Refuses([.. good[..1], .. BitConverter.GetBytes(good.Length), .. good[5..]], restAfter: 0);
        Refuses([.. good[..1], .. BitConverter.GetBytes(-1), .. good[5..]], restAfter: 0);

        // The payload ends inside a field, or a field holds what no writer sends: that record is skipped, the next one read.
        var truncated = Record(payload[..^4]);
        Refuses([.. truncated, .. good], restAfter: good.Length);
        var text = "conversation:c1"u8.Length + 1;
        Refuses(Record(With(payload, text, 9)), restAfter: 0); // event type 9
        Refuses(Record(Replace(payload, "hi"u8.ToArray(), [0xC3, 0x28])), restAfter: 0); // not UTF-8
        var senderKind = Array.IndexOf(payload, (byte)'u', text) + 2; // "u1", then its kind
        Refuses(Record(With(payload, senderKind, 7)), restAfter: 0);
    }

    [Fact]
    public async Task A_client_that_asks_for_compact_events_gets_message_events_as_binary_records_and_everything_else_as_JSON()
    {
        await using var server = await TestServer.StartAsync();
        var (_, conversation) = await server.CreateRoomAsync("alice", "bob");
        using var socket = await server.ConnectRawAsync("bob", subprotocol: Compact);
        socket.SubProtocol.Should().Be(Compact);
        (await socket.WelcomeAsync()).GetProperty("protocol").GetString().Should().Be(Compact);
        (await socket.CommandAsync($$"""{"type":"subscribe","id":"s","conversationId":"{{conversation.Id}}"}""", "s")).Type().Should().Be("ack");

        await using var alice = await server.ConnectClientAsync("alice");
        await alice.SetTypingAsync(conversation.Id, true);
        var posted = await alice.PostTextAsync(conversation.Id, "Grüße");

        var (type, bytes) = await socket.ReceiveRawAsync();
        type.Should().Be(WebSocketMessageType.Text, "a typing event is JSON");
        JsonDocument.Parse(bytes).RootElement.GetProperty("event").GetProperty("type").GetString().Should().Be("conversation.typing");

        (type, bytes) = await socket.ReceiveRawAsync();
        type.Should().Be(WebSocketMessageType.Binary);
        var rest = (ReadOnlySpan<byte>)bytes;
        var frame = new ServerFrame();
        CompactEvents.TryRead(ref rest, null, frame).Should().BeTrue();
        rest.IsEmpty.Should().BeTrue();
        frame.Subscription.Should().Be($"conversation:{conversation.Id}");
        var read = frame.ConversationEvent.Should().BeOfType<MessagePostedEvent>().Subject;
        read.Message.Id.Should().Be(posted.Id);
        read.Message.Text.Should().Be("Grüße");
        read.Message.RoomId.Should().Be(posted.RoomId);
        read.Sequence.Should().Be(posted.Sequence);
    }

    [Theory]
    [InlineData(new[] { Compact, TestServer.Subprotocol }, Compact)]
    [InlineData(new[] { TestServer.Subprotocol, Compact }, Compact)]
    [InlineData(new[] { TestServer.Subprotocol }, TestServer.Subprotocol)]
    [InlineData(new string[0], "")]
    public async Task The_server_sends_compact_events_only_to_a_client_that_offers_them(string[] offered, string selected)
    {
        await using var server = await TestServer.StartAsync();
        var (_, conversation) = await server.CreateRoomAsync("alice", "bob");
        using var socket = new ClientWebSocket();
        foreach (var subprotocol in offered)
        {
            socket.Options.AddSubProtocol(subprotocol);
        }

        socket.Options.SetRequestHeader("Authorization", "Bearer bob");
        await socket.ConnectAsync(server.SocketUri, CancellationToken.None);
        (socket.SubProtocol ?? string.Empty).Should().Be(selected);
        (await socket.WelcomeAsync()).GetProperty("protocol").GetString().Should().Be(selected == Compact ? Compact : TestServer.Subprotocol);
        (await socket.CommandAsync($$"""{"type":"subscribe","id":"s","conversationId":"{{conversation.Id}}"}""", "s")).Type().Should().Be("ack");

        await server.Messages.PostAsync(Account.System, conversation.Id, new PostMessageRequest { Text = "hello" });

        var (type, _) = await socket.ReceiveRawAsync();
        type.Should().Be(selected == Compact ? WebSocketMessageType.Binary : WebSocketMessageType.Text);
    }

    [Fact]
    public async Task The_dotnet_client_offers_compact_events_and_reads_the_same_events_as_with_JSON()
    {
        await using var server = await TestServer.StartAsync();
        var (_, conversation) = await server.CreateRoomAsync("alice", "bob", "carol");
        await using var compact = await server.ConnectClientAsync("bob");
        await using var json = await server.ConnectClientAsync("carol", o => o.CompactEvents = false);
        server.OfferedSubprotocols("bob").Should().Equal(Compact, TestServer.Subprotocol);
        server.OfferedSubprotocols("carol").Should().Equal(TestServer.Subprotocol);

        using var timeout = new CancellationTokenSource(RawSocket.Safety);
        var ready = new[] { new TaskCompletionSource(), new TaskCompletionSource() };
        var seen = new[] { compact, json }.Select((client, i) => Task.Run(async () =>
        {
            // The first post only tells that the subscription is live; what follows is compared.
            var events = new List<string>();
            await foreach (var e in client.SubscribeAsync(conversation.Id, cancellationToken: timeout.Token))
            {
                if (!ready[i].Task.IsCompleted)
                {
                    ready[i].TrySetResult();
                    continue;
                }

                events.Add(Written(e));
                if (e is MessageDeletedEvent)
                {
                    break;
                }
            }

            return events;
        })).ToArray();

        await using var alice = await server.ConnectClientAsync("alice");
        await alice.PostTextAsync(conversation.Id, "ready?");
        await Task.WhenAll(ready.Select(r => r.Task)).WaitAsync(timeout.Token);
        var first = await alice.PostAsync(conversation.Id, new PostMessageRequest
        {
            Text = "*Plan*: 10:00 ☕",
            Format = MessageFormat.Markdown,
            Data = JsonDocument.Parse("""{"poll":{"options":["yes","no"]}}""").RootElement,
            ClientMessageId = "alice-1",
        });
        await alice.PostAsync(conversation.Id, new PostMessageRequest { Text = "re", ReplyToId = first.Id });
        await alice.EditAsync(conversation.Id, first.Id, new EditMessageRequest { Text = "*Plan*: 11:00" });
        await alice.DeleteAsync(conversation.Id, first.Id);

        var (byCompact, byJson) = (await seen[0], await seen[1]);
        byCompact.Should().HaveCount(4).And.Equal(byJson);
    }

    private static string Written(ConversationEvent e) => Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(e, Json.ConversationEvent));

    private static MessagePostedEvent Posted(long sequence, string text) => new()
    {
        RoomId = "r1",
        ConversationId = "c1",
        ActorId = "u1",
        Timestamp = At,
        Sequence = sequence,
        Message = new Message
        {
            Id = $"m{sequence}", RoomId = "r1", ConversationId = "c1", Sequence = sequence, LastSequence = sequence, SenderId = "u1",
            SenderKind = AccountKind.User, Text = text, CreatedAt = At,
        },
    };

    private static void Refuses(byte[] message, int restAfter)
    {
        var frame = new ServerFrame();
        var rest = (ReadOnlySpan<byte>)message;
        try
        {
            CompactEvents.TryRead(ref rest, new RecentStrings(), frame);
        }
        catch (JsonException)
        {
            rest.Length.Should().Be(restAfter);
            frame.ConversationEvent.Should().BeNull();
            return;
        }

        throw new Xunit.Sdk.XunitException($"A malformed record ({Convert.ToHexString(message)}) was read.");
    }

    private static byte[] Record(byte[] payload)
    {
        var record = new byte[5 + payload.Length];
        record[0] = CompactEvents.MessageEventRecord;
        BinaryPrimitives.WriteInt32LittleEndian(record.AsSpan(1), payload.Length);
        payload.CopyTo(record, 5);
        return record;
    }

    private static byte[] WithExtraBytes(byte[] record, byte[] extra) => Record([.. record.AsSpan(5), .. extra]);

    private static byte[] With(byte[] payload, int index, byte value)
    {
        var copy = payload.ToArray();
        copy[index] = value;
        return copy;
    }

    private static byte[] Replace(byte[] payload, byte[] what, byte[] with)
    {
        var at = payload.AsSpan().IndexOf(what);
        at.Should().BeGreaterThan(0);
        return [.. payload.AsSpan(0, at), .. with, .. payload.AsSpan(at + what.Length)];
    }
}
