using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Conversations.Protocol;

/// <summary>
/// Reads a <see cref="Message"/> straight into its properties. The generated contract treats the message's init-only
/// properties like constructor arguments: every one is boxed into an argument array before the object is made, which
/// made reading messages the most expensive thing a client does in a busy room. Writing uses the generated contract,
/// so both directions keep one shape: the names, enums and omitted defaults of <see cref="ProtocolJsonContext"/>.
/// </summary>
/// <remarks>
/// Reads what the generated contract reads: camelCase names (exact case), unknown properties skipped, enums in any case,
/// and a <see cref="JsonException"/> when a required property is missing or a value has the wrong type.
/// </remarks>
internal sealed class MessageJsonConverter : JsonConverter<Message>
{
    private readonly JsonTypeInfo<Message> _writer;
    private Readers? _readers;

    public MessageJsonConverter(JsonTypeInfo<Message> writer) => _writer = writer;

    public override Message? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        JsonReading.Expect(ref reader, JsonTokenType.StartObject);
        var readers = _readers ??= new Readers(options);
        string? id = null, roomId = null, conversationId = null, senderId = null, replyToId = null, clientMessageId = null;
        string? text = string.Empty;
        long? sequence = null, lastSequence = null;
        AccountKind? senderKind = null;
        MessageFormat format = default;
        MessageStatus status = default;
        IReadOnlyList<Attachment>? attachments = [];
        JsonElement? data = null;
        DateTimeOffset? createdAt = null, editedAt = null, deletedAt = null;
        var chainDepth = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = JsonReading.Name(ref reader);
            if (!reader.Read())
            {
                break;
            }

            if (name.SequenceEqual("id"u8))
            {
                id = reader.GetString();
            }
            else if (name.SequenceEqual("roomId"u8))
            {
                roomId = reader.GetString();
            }
            else if (name.SequenceEqual("conversationId"u8))
            {
                conversationId = reader.GetString();
            }
            else if (name.SequenceEqual("sequence"u8))
            {
                sequence = reader.GetInt64();
            }
            else if (name.SequenceEqual("lastSequence"u8))
            {
                lastSequence = reader.GetInt64();
            }
            else if (name.SequenceEqual("senderId"u8))
            {
                senderId = reader.GetString();
            }
            else if (name.SequenceEqual("senderKind"u8))
            {
                senderKind = readers.AccountKind.Read(ref reader, typeof(AccountKind), options);
            }
            else if (name.SequenceEqual("text"u8))
            {
                text = reader.GetString();
            }
            else if (name.SequenceEqual("format"u8))
            {
                format = readers.Format.Read(ref reader, typeof(MessageFormat), options);
            }
            else if (name.SequenceEqual("attachments"u8))
            {
                // Most messages carry none: an empty array is read here rather than by the list's contract.
                var probe = reader;
                if (reader.TokenType == JsonTokenType.StartArray && probe.Read() && probe.TokenType == JsonTokenType.EndArray)
                {
                    attachments = [];
                    reader = probe;
                }
                else
                {
                    attachments = JsonReading.ReadValue<IReadOnlyList<Attachment>>(ref reader, options);
                }
            }
            else if (name.SequenceEqual("data"u8))
            {
                data = reader.TokenType == JsonTokenType.Null ? null : JsonElement.ParseValue(ref reader);
            }
            else if (name.SequenceEqual("replyToId"u8))
            {
                replyToId = reader.GetString();
            }
            else if (name.SequenceEqual("clientMessageId"u8))
            {
                clientMessageId = reader.GetString();
            }
            else if (name.SequenceEqual("status"u8))
            {
                status = readers.Status.Read(ref reader, typeof(MessageStatus), options);
            }
            else if (name.SequenceEqual("createdAt"u8))
            {
                createdAt = reader.GetDateTimeOffset();
            }
            else if (name.SequenceEqual("editedAt"u8))
            {
                editedAt = reader.TokenType == JsonTokenType.Null ? null : reader.GetDateTimeOffset();
            }
            else if (name.SequenceEqual("deletedAt"u8))
            {
                deletedAt = reader.TokenType == JsonTokenType.Null ? null : reader.GetDateTimeOffset();
            }
            else if (name.SequenceEqual("chainDepth"u8))
            {
                chainDepth = reader.GetInt32();
            }
            else
            {
                reader.Skip();
            }
        }

        JsonReading.Expect(ref reader, JsonTokenType.EndObject);
        return new Message
        {
            Id = JsonReading.Required(id, "id"),
            RoomId = JsonReading.Required(roomId, "roomId"),
            ConversationId = JsonReading.Required(conversationId, "conversationId"),
            Sequence = JsonReading.Required(sequence, "sequence"),
            LastSequence = JsonReading.Required(lastSequence, "lastSequence"),
            SenderId = JsonReading.Required(senderId, "senderId"),
            SenderKind = JsonReading.Required(senderKind, "senderKind"),
            Text = text!,
            Format = format,
            Attachments = attachments!,
            Data = data,
            ReplyToId = replyToId,
            ClientMessageId = clientMessageId,
            Status = status,
            CreatedAt = JsonReading.Required(createdAt, "createdAt"),
            EditedAt = editedAt,
            DeletedAt = deletedAt,
            ChainDepth = chainDepth,
        };
    }

    public override void Write(Utf8JsonWriter writer, Message value, JsonSerializerOptions options) => JsonSerializer.Serialize(writer, value, _writer);

    /// <summary>The enum converters of the options this converter reads with (the wire's snake_case enums).</summary>
    private sealed class Readers(JsonSerializerOptions options)
    {
        public JsonConverter<AccountKind> AccountKind { get; } = (JsonConverter<AccountKind>)options.GetTypeInfo(typeof(AccountKind)).Converter;

        public JsonConverter<MessageFormat> Format { get; } = (JsonConverter<MessageFormat>)options.GetTypeInfo(typeof(MessageFormat)).Converter;

        public JsonConverter<MessageStatus> Status { get; } = (JsonConverter<MessageStatus>)options.GetTypeInfo(typeof(MessageStatus)).Converter;
    }
}
