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

        var fields = ReadFields(ref reader, options);
        return fields.ToMessage(null);
    }

    /// <summary>Reads a message's properties; <see cref="Fields.ToMessage"/> makes the message once what it left out is known.</summary>
    /// <param name="reader">The reader, on the message's start.</param>
    /// <param name="options">The serializer options.</param>
    /// <param name="recent">The connection's recent strings, which the sender's id is read through (a busy room's senders repeat).</param>
    public Fields ReadFields(ref Utf8JsonReader reader, JsonSerializerOptions options, RecentStrings? recent = null)
    {
        JsonReading.Expect(ref reader, JsonTokenType.StartObject);
        var readers = _readers ??= new Readers(options);
        var f = new Fields();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = JsonReading.Name(ref reader);
            if (!reader.Read())
            {
                break;
            }

            if (name.SequenceEqual("id"u8))
            {
                f.Id = reader.GetString();
            }
            else if (name.SequenceEqual("roomId"u8))
            {
                f.RoomId = reader.GetString();
            }
            else if (name.SequenceEqual("conversationId"u8))
            {
                f.ConversationId = reader.GetString();
            }
            else if (name.SequenceEqual("sequence"u8))
            {
                f.Sequence = reader.GetInt64();
            }
            else if (name.SequenceEqual("lastSequence"u8))
            {
                f.LastSequence = reader.GetInt64();
            }
            else if (name.SequenceEqual("senderId"u8))
            {
                f.SenderId = recent is null ? reader.GetString() : recent.Read(ref reader);
            }
            else if (name.SequenceEqual("senderKind"u8))
            {
                // The two kinds a sender has, as the server writes them, without the enum converter's name lookup.
                f.SenderKind = reader.TokenType != JsonTokenType.String ? readers.AccountKind.Read(ref reader, typeof(AccountKind), options)
                    : reader.ValueTextEquals("user"u8) ? AccountKind.User
                    : reader.ValueTextEquals("agent"u8) ? AccountKind.Agent
                    : readers.AccountKind.Read(ref reader, typeof(AccountKind), options);
            }
            else if (name.SequenceEqual("text"u8))
            {
                f.Text = reader.GetString();
            }
            else if (name.SequenceEqual("format"u8))
            {
                f.Format = readers.Format.Read(ref reader, typeof(MessageFormat), options);
            }
            else if (name.SequenceEqual("attachments"u8))
            {
                // Most messages carry none: an empty array is read here rather than by the list's contract.
                var probe = reader;
                if (reader.TokenType == JsonTokenType.StartArray && probe.Read() && probe.TokenType == JsonTokenType.EndArray)
                {
                    f.Attachments = [];
                    reader = probe;
                }
                else
                {
                    f.Attachments = JsonReading.ReadValue<IReadOnlyList<Attachment>>(ref reader, options);
                }
            }
            else if (name.SequenceEqual("data"u8))
            {
                f.Data = reader.TokenType == JsonTokenType.Null ? null : JsonElement.ParseValue(ref reader);
            }
            else if (name.SequenceEqual("replyToId"u8))
            {
                f.ReplyToId = reader.GetString();
            }
            else if (name.SequenceEqual("clientMessageId"u8))
            {
                f.ClientMessageId = reader.GetString();
            }
            else if (name.SequenceEqual("status"u8))
            {
                f.Status = readers.Status.Read(ref reader, typeof(MessageStatus), options);
            }
            else if (name.SequenceEqual("createdAt"u8))
            {
                f.CreatedAt = reader.GetDateTimeOffset();
            }
            else if (name.SequenceEqual("editedAt"u8))
            {
                f.EditedAt = reader.TokenType == JsonTokenType.Null ? null : reader.GetDateTimeOffset();
            }
            else if (name.SequenceEqual("deletedAt"u8))
            {
                f.DeletedAt = reader.TokenType == JsonTokenType.Null ? null : reader.GetDateTimeOffset();
            }
            else if (name.SequenceEqual("chainDepth"u8))
            {
                f.ChainDepth = reader.GetInt32();
            }
            else
            {
                reader.Skip();
            }
        }

        JsonReading.Expect(ref reader, JsonTokenType.EndObject);
        return f;
    }

    public override void Write(Utf8JsonWriter writer, Message value, JsonSerializerOptions options) => JsonSerializer.Serialize(writer, value, _writer);

    /// <summary>A message's properties as read, before the message is made.</summary>
    internal struct Fields
    {
        public string? Id;
        public string? RoomId;
        public string? ConversationId;
        public string? SenderId;
        public string? ReplyToId;
        public string? ClientMessageId;
        public string? Text;
        public long? Sequence;
        public long? LastSequence;
        public AccountKind? SenderKind;
        public MessageFormat Format;
        public MessageStatus Status;
        public IReadOnlyList<Attachment>? Attachments;
        public JsonElement? Data;
        public DateTimeOffset? CreatedAt;
        public DateTimeOffset? EditedAt;
        public DateTimeOffset? DeletedAt;
        public int ChainDepth;

        /// <summary>
        /// Makes the message. <paramref name="inEvent"/> is the event frame that carried it, which says what the message
        /// left out: its room and conversation, and its last sequence when that is its sequence.
        /// </summary>
        public readonly Message ToMessage(EventContext? inEvent) => new()
        {
            Id = JsonReading.Required(Id, "id"),
            RoomId = JsonReading.Required(RoomId ?? inEvent?.RoomId, "roomId"),
            ConversationId = JsonReading.Required(ConversationId ?? inEvent?.ConversationId, "conversationId"),
            Sequence = JsonReading.Required(Sequence, "sequence"),
            LastSequence = JsonReading.Required(LastSequence ?? (inEvent is null ? null : Sequence), "lastSequence"),
            SenderId = JsonReading.Required(SenderId, "senderId"),
            SenderKind = JsonReading.Required(SenderKind, "senderKind"),
            Text = Text ?? string.Empty,
            Format = Format,
            Attachments = Attachments ?? [],
            Data = Data,
            ReplyToId = ReplyToId,
            ClientMessageId = ClientMessageId,
            Status = Status,
            CreatedAt = JsonReading.Required(CreatedAt, "createdAt"),
            EditedAt = EditedAt,
            DeletedAt = DeletedAt,
            ChainDepth = ChainDepth,
        };
    }

    /// <summary>What an event frame says about the message it carries.</summary>
    internal readonly record struct EventContext(string? RoomId, string? ConversationId);

    /// <summary>The enum converters of the options this converter reads with (the wire's snake_case enums).</summary>
    private sealed class Readers(JsonSerializerOptions options)
    {
        public JsonConverter<AccountKind> AccountKind { get; } = (JsonConverter<AccountKind>)options.GetTypeInfo(typeof(AccountKind)).Converter;

        public JsonConverter<MessageFormat> Format { get; } = (JsonConverter<MessageFormat>)options.GetTypeInfo(typeof(MessageFormat)).Converter;

        public JsonConverter<MessageStatus> Status { get; } = (JsonConverter<MessageStatus>)options.GetTypeInfo(typeof(MessageStatus)).Converter;
    }
}
