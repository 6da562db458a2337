using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Conversations.PostgreSql.Internal;

/// <summary>Parameters and row readers shared by the store's statements.</summary>
internal static class PostgreSqlRows
{
    public const string MessageColumns =
        "m.id, m.room_id, m.conversation_id, m.sequence, m.last_sequence, m.sender_id, m.sender_kind, m.text, m.format, " +
        "m.attachments, m.data, m.reply_to_id, m.client_message_id, m.status, m.created_at, m.edited_at, m.deleted_at, m.chain_depth";

    public const int MessageColumnCount = 18;

    public const string RoomColumns = "r.id, r.kind, r.name, r.created_by, r.created_at";

    public const string ParticipantColumns = "p.room_id, p.account_id, p.kind, p.role, p.auto_respond, p.display_name, p.joined_at";

    public const string ConversationColumns = "c.id, c.room_id, c.title, c.created_by, c.created_at, c.last_sequence";

    public const string TriggerColumns =
        "t.conversation_id, t.agent_id, t.sequence, t.room_id, t.kind, t.message_id, t.chain_depth, t.status, t.attempts, " +
        "t.lease_owner, t.lease_expires, t.next_attempt_at, t.created_at, t.last_error";

    public static NpgsqlParameter P<T>(T value) => new NpgsqlParameter<T> { TypedValue = value };

    public static NpgsqlParameter Time(DateTimeOffset value) => new NpgsqlParameter<DateTimeOffset> { TypedValue = Micro(value) };

    public static NpgsqlParameter Time(DateTimeOffset? value) => value is { } v
        ? new NpgsqlParameter<DateTimeOffset> { TypedValue = Micro(v) }
        : new NpgsqlParameter { Value = DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz };

    public static NpgsqlParameter Json(string? json, NpgsqlDbType type) =>
        new NpgsqlParameter { Value = (object?)json ?? DBNull.Value, NpgsqlDbType = type };

    /// <summary>PostgreSQL keeps microseconds: times are stored, and handed back, at that precision.</summary>
    public static DateTimeOffset Micro(DateTimeOffset value)
    {
        var ticks = value.UtcTicks;
        return new DateTimeOffset(ticks - (ticks % 10), TimeSpan.Zero);
    }

    public static DateTimeOffset? Micro(DateTimeOffset? value) => value is { } v ? Micro(v) : null;

    public static string? AttachmentsJson(IReadOnlyList<Attachment> attachments) =>
        attachments.Count == 0 ? null : JsonSerializer.Serialize(attachments.ToArray(), PostgreSqlJsonContext.Default.AttachmentArray);

    public static string? DataJson(JsonElement? data) => data is { } element ? element.GetRawText() : null;

    public static DateTimeOffset ReadTime(NpgsqlDataReader r, int i) => r.GetFieldValue<DateTimeOffset>(i);

    public static DateTimeOffset? ReadTimeOrNull(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetFieldValue<DateTimeOffset>(i);

    public static string? ReadStringOrNull(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    public static Message ReadMessage(NpgsqlDataReader r, int o = 0) => new()
    {
        Id = r.GetString(o),
        RoomId = r.GetString(o + 1),
        ConversationId = r.GetString(o + 2),
        Sequence = r.GetInt64(o + 3),
        LastSequence = r.GetInt64(o + 4),
        SenderId = r.GetString(o + 5),
        SenderKind = (AccountKind)r.GetInt32(o + 6),
        Text = r.GetString(o + 7),
        Format = (MessageFormat)r.GetInt32(o + 8),
        Attachments = r.IsDBNull(o + 9) ? [] : JsonSerializer.Deserialize(r.GetString(o + 9), PostgreSqlJsonContext.Default.AttachmentArray) ?? [],
        Data = r.IsDBNull(o + 10) ? null : ParseData(r.GetString(o + 10)),
        ReplyToId = ReadStringOrNull(r, o + 11),
        ClientMessageId = ReadStringOrNull(r, o + 12),
        Status = (MessageStatus)r.GetInt32(o + 13),
        CreatedAt = ReadTime(r, o + 14),
        EditedAt = ReadTimeOrNull(r, o + 15),
        DeletedAt = ReadTimeOrNull(r, o + 16),
        ChainDepth = r.GetInt32(o + 17),
    };

    public static Room ReadRoom(NpgsqlDataReader r) => new()
    {
        Id = r.GetString(0),
        Kind = (RoomKind)r.GetInt32(1),
        Name = ReadStringOrNull(r, 2),
        CreatedBy = r.GetString(3),
        CreatedAt = ReadTime(r, 4),
    };

    public static Participant ReadParticipant(NpgsqlDataReader r) => new()
    {
        RoomId = r.GetString(0),
        AccountId = r.GetString(1),
        Kind = (AccountKind)r.GetInt32(2),
        Role = (ParticipantRole)r.GetInt32(3),
        AutoRespond = r.GetBoolean(4),
        DisplayName = ReadStringOrNull(r, 5),
        JoinedAt = ReadTime(r, 6),
    };

    public static Conversation ReadConversation(NpgsqlDataReader r) => new()
    {
        Id = r.GetString(0),
        RoomId = r.GetString(1),
        Title = ReadStringOrNull(r, 2),
        CreatedBy = r.GetString(3),
        CreatedAt = ReadTime(r, 4),
        LastSequence = r.GetInt64(5),
    };

    public static Storage.FlowTriggerRecord ReadTrigger(NpgsqlDataReader r) => new()
    {
        ConversationId = r.GetString(0),
        AgentId = r.GetString(1),
        Sequence = r.GetInt64(2),
        RoomId = r.GetString(3),
        Kind = (FlowTriggerKind)r.GetInt32(4),
        MessageId = ReadStringOrNull(r, 5),
        ChainDepth = r.GetInt32(6),
        Status = (Storage.FlowTriggerStatus)r.GetInt32(7),
        Attempts = r.GetInt32(8),
        LeaseOwner = ReadStringOrNull(r, 9),
        LeaseExpiresAt = ReadTimeOrNull(r, 10),
        NextAttemptAt = ReadTime(r, 11),
        CreatedAt = ReadTime(r, 12),
        LastError = ReadStringOrNull(r, 13),
    };

    /// <summary>The stored message: identity and creation from <paramref name="stored"/>, mutable fields from <paramref name="fields"/>.</summary>
    public static Message Copy(Message stored, long sequence, long lastSequence, Message fields, MessageStatus? status = null) => new()
    {
        Id = stored.Id,
        RoomId = stored.RoomId,
        ConversationId = stored.ConversationId,
        Sequence = sequence,
        LastSequence = lastSequence,
        SenderId = stored.SenderId,
        SenderKind = stored.SenderKind,
        ReplyToId = stored.ReplyToId,
        ClientMessageId = stored.ClientMessageId,
        CreatedAt = Micro(stored.CreatedAt),
        Text = fields.Text,
        Format = fields.Format,
        Attachments = fields.Attachments,
        Data = fields.Data,
        Status = status ?? fields.Status,
        EditedAt = Micro(fields.EditedAt),
        DeletedAt = Micro(fields.DeletedAt),
        ChainDepth = stored.ChainDepth,
    };

    private static JsonElement ParseData(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
