using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Conversations.Protocol;

/// <summary>
/// Reads the events a busy room is made of — message events (posted, updated, deleted) and a streamed reply's deltas —
/// straight into their properties, and every other event with the generated polymorphic contract. Like
/// <see cref="MessageJsonConverter"/>, this avoids the generated contract's boxed argument array for init-only
/// properties. Writing uses the generated contract; a message event written the way event frames carry it (without what
/// its message repeats, see <see cref="ProtocolJson.EventFrame"/>) is read back whole.
/// </summary>
internal sealed class ConversationEventJsonConverter : JsonConverter<ConversationEvent>
{
    private readonly JsonTypeInfo<ConversationEvent> _contract;
    private readonly MessageJsonConverter _messages;

    /// <param name="contract">The generated polymorphic contract (from options without this converter).</param>
    /// <param name="messages">Reads the message of a message event.</param>
    public ConversationEventJsonConverter(JsonTypeInfo<ConversationEvent> contract, MessageJsonConverter messages)
    {
        _contract = contract;
        _messages = messages;
    }

    public override ConversationEvent? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => Read(ref reader, options, null);

    /// <summary>Reads an event; <paramref name="recent"/> holds the connection's recent ids (room, conversation, actor, sender), reused rather than decoded again.</summary>
    public ConversationEvent? Read(ref Utf8JsonReader reader, JsonSerializerOptions options, RecentStrings? recent)
    {
        if (reader.TokenType == JsonTokenType.StartObject)
        {
            // The discriminator comes first (the contract requires it there): peek at it on a copy of the reader.
            var probe = reader;
            if (!probe.Read() || probe.TokenType != JsonTokenType.PropertyName || !probe.ValueTextEquals("type"u8) || !probe.Read())
            {
                // The contract would call this "not supported"; for a reader it is JSON it cannot read.
                throw new JsonException("An event must name its type first.");
            }

            if (probe.TokenType == JsonTokenType.String)
            {
                var kind = probe.ValueTextEquals("conversation.message_posted"u8) ? MessageLogKind.Posted
                    : probe.ValueTextEquals("conversation.message_updated"u8) ? MessageLogKind.Updated
                    : probe.ValueTextEquals("conversation.message_deleted"u8) ? MessageLogKind.Deleted
                    : MessageLogKind.None;
                if (kind != MessageLogKind.None)
                {
                    var logged = ReadLogEvent(ref probe, kind, options, recent);
                    reader = probe;
                    return logged;
                }

                if (probe.ValueTextEquals("conversation.message_delta"u8))
                {
                    var delta = ReadDelta(ref probe, recent);
                    reader = probe;
                    return delta;
                }
            }
        }

        return JsonSerializer.Deserialize(ref reader, _contract);
    }

    public override void Write(Utf8JsonWriter writer, ConversationEvent value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value, _contract);

    /// <summary>
    /// Reads a posted, updated or deleted message event, filling in what an event frame leaves out (see
    /// <see cref="ProtocolJson.EventFrame"/>): the message's room, conversation and last sequence, the event's actor and time.
    /// </summary>
    private MessageLogEvent ReadLogEvent(ref Utf8JsonReader reader, MessageLogKind kind, JsonSerializerOptions options, RecentStrings? recent)
    {
        var common = new Common(recent);
        long? sequence = null;
        MessageJsonConverter.Fields? fields = null;
        int chainDepth = 0, triggerCount = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = JsonReading.Name(ref reader);
            if (!reader.Read())
            {
                break;
            }

            if (common.TryRead(name, ref reader))
            {
                continue;
            }

            if (name.SequenceEqual("sequence"u8))
            {
                sequence = reader.GetInt64();
            }
            else if (name.SequenceEqual("message"u8))
            {
                fields = reader.TokenType == JsonTokenType.Null ? null : _messages.ReadFields(ref reader, options, recent);
            }
            else if (kind == MessageLogKind.Posted && name.SequenceEqual("chainDepth"u8))
            {
                chainDepth = reader.GetInt32();
            }
            else if (kind == MessageLogKind.Posted && name.SequenceEqual("triggerCount"u8))
            {
                triggerCount = reader.GetInt32();
            }
            else
            {
                reader.Skip();
            }
        }

        JsonReading.Expect(ref reader, JsonTokenType.EndObject);
        var message = JsonReading.Required(fields, "message").ToMessage(new(common.RoomId, common.ConversationId));
        return MessageLogEvents.Create(
            kind, JsonReading.Required(common.RoomId, "roomId"), common.ConversationId, common.ActorId, common.Timestamp, JsonReading.Required(sequence, "sequence"), message, chainDepth, triggerCount);
    }

    private static MessageDeltaEvent ReadDelta(ref Utf8JsonReader reader, RecentStrings? recent)
    {
        var common = new Common(recent);
        string? messageId = null, delta = null;
        long? messageSequence = null;
        int? index = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = JsonReading.Name(ref reader);
            if (!reader.Read())
            {
                break;
            }

            if (common.TryRead(name, ref reader))
            {
                continue;
            }

            if (name.SequenceEqual("messageId"u8))
            {
                // Every delta of a stream names its message: a streaming reply repeats it many times.
                messageId = recent is null ? reader.GetString() : recent.Read(ref reader);
            }
            else if (name.SequenceEqual("messageSequence"u8))
            {
                messageSequence = reader.GetInt64();
            }
            else if (name.SequenceEqual("index"u8))
            {
                index = reader.GetInt32();
            }
            else if (name.SequenceEqual("delta"u8))
            {
                delta = reader.GetString();
            }
            else
            {
                reader.Skip();
            }
        }

        JsonReading.Expect(ref reader, JsonTokenType.EndObject);
        return new MessageDeltaEvent
        {
            RoomId = JsonReading.Required(common.RoomId, "roomId"),
            ConversationId = common.ConversationId,
            ActorId = JsonReading.Required(common.ActorId, "actorId"),
            Timestamp = JsonReading.Required(common.Timestamp, "timestamp"),
            MessageId = JsonReading.Required(messageId, "messageId"),
            MessageSequence = JsonReading.Required(messageSequence, "messageSequence"),
            Index = JsonReading.Required(index, "index"),
            Delta = JsonReading.Required(delta, "delta"),
        };
    }

    /// <summary>The properties every event has.</summary>
    private struct Common(RecentStrings? recent)
    {
        public string? RoomId;
        public string? ConversationId;
        public string? ActorId;
        public DateTimeOffset? Timestamp;

        public bool TryRead(scoped ReadOnlySpan<byte> name, ref Utf8JsonReader reader)
        {
            if (name.SequenceEqual("roomId"u8))
            {
                RoomId = recent is null ? reader.GetString() : recent.Read(ref reader);
            }
            else if (name.SequenceEqual("conversationId"u8))
            {
                ConversationId = recent is null ? reader.GetString() : recent.Read(ref reader);
            }
            else if (name.SequenceEqual("actorId"u8))
            {
                ActorId = recent is null ? reader.GetString() : recent.Read(ref reader);
            }
            else if (name.SequenceEqual("timestamp"u8))
            {
                Timestamp = reader.GetDateTimeOffset();
            }
            else
            {
                return false;
            }

            return true;
        }
    }
}
