using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Conversations.Sqlite.Internal;

/// <summary>One open connection with its prepared commands. Used by one thread at a time.</summary>
internal sealed class SqliteSession : IDisposable
{
    public const string MessageColumns =
        "m.id, m.room_id, m.conversation_id, m.sequence, m.last_sequence, m.sender_id, m.sender_kind, m.text, m.format, " +
        "m.attachments, m.data, m.reply_to_id, m.client_message_id, m.status, m.created_at, m.edited_at, m.deleted_at, m.chain_depth";

    public const int MessageColumnCount = 18;

    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SqliteStatement> _statements = new(StringComparer.Ordinal);
    private readonly int _commandTimeoutSeconds;

    private SqliteSession(SqliteConnection connection, int commandTimeoutSeconds)
    {
        Connection = connection;
        _commandTimeoutSeconds = commandTimeoutSeconds;
    }

    public SqliteConnection Connection { get; }

    /// <summary>Opens a connection and applies the per-connection settings.</summary>
    public static SqliteSession Open(string connectionString, TimeSpan busyTimeout)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            connection.Open();
            var session = new SqliteSession(connection, Math.Max(1, (int)Math.Ceiling(busyTimeout.TotalSeconds)));
            session.Execute($"PRAGMA busy_timeout = {(long)Math.Ceiling(busyTimeout.TotalMilliseconds)}; PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;");
            return session;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    public SqliteCommand Command(string sql)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = Connection.CreateCommand();
            command.CommandText = sql;
            command.CommandTimeout = _commandTimeoutSeconds;
            _commands.Add(sql, command);
        }

        return command;
    }

    /// <summary>A statement for the hot write path, prepared on first use and kept (see <see cref="SqliteStatement"/>).</summary>
    public SqliteStatement Statement(string sql)
    {
        if (!_statements.TryGetValue(sql, out var statement))
        {
            statement = new SqliteStatement(Connection.Handle!, sql);
            _statements.Add(sql, statement);
        }

        return statement;
    }

    public void Execute(string sql) => Command(sql).ExecuteNonQuery();

    public void Dispose()
    {
        foreach (var statement in _statements.Values)
        {
            statement.Dispose();
        }

        _statements.Clear();
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }

        _commands.Clear();
        Connection.Dispose();
    }

    public static void Set(SqliteCommand command, string name, object? value)
    {
        var parameters = command.Parameters;
        var index = parameters.IndexOf(name);
        if (index < 0)
        {
            parameters.AddWithValue(name, value ?? DBNull.Value);
        }
        else
        {
            parameters[index].Value = value ?? DBNull.Value;
        }
    }

    public static long Ticks(DateTimeOffset value) => value.UtcTicks;

    public static object? Ticks(DateTimeOffset? value) => value?.UtcTicks;

    public static DateTimeOffset Time(long ticks) => new(ticks, TimeSpan.Zero);

    public static string? AttachmentsJson(IReadOnlyList<Attachment> attachments) =>
        attachments.Count == 0 ? null : JsonSerializer.Serialize(attachments.ToArray(), SqliteJsonContext.Default.AttachmentArray);

    public static string? DataJson(JsonElement? data) => data is { } element ? element.GetRawText() : null;

    public static Message ReadMessage(SqliteDataReader r, int o = 0)
    {
        return new Message
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
            Attachments = r.IsDBNull(o + 9) ? [] : JsonSerializer.Deserialize(r.GetString(o + 9), SqliteJsonContext.Default.AttachmentArray) ?? [],
            Data = r.IsDBNull(o + 10) ? null : ParseData(r.GetString(o + 10)),
            ReplyToId = r.IsDBNull(o + 11) ? null : r.GetString(o + 11),
            ClientMessageId = r.IsDBNull(o + 12) ? null : r.GetString(o + 12),
            Status = (MessageStatus)r.GetInt32(o + 13),
            CreatedAt = Time(r.GetInt64(o + 14)),
            EditedAt = r.IsDBNull(o + 15) ? null : Time(r.GetInt64(o + 15)),
            DeletedAt = r.IsDBNull(o + 16) ? null : Time(r.GetInt64(o + 16)),
            ChainDepth = r.GetInt32(o + 17),
        };
    }

    public static Room ReadRoom(SqliteDataReader r, int o = 0) => new()
    {
        Id = r.GetString(o),
        Kind = (RoomKind)r.GetInt32(o + 1),
        Name = r.IsDBNull(o + 2) ? null : r.GetString(o + 2),
        CreatedBy = r.GetString(o + 3),
        CreatedAt = Time(r.GetInt64(o + 4)),
    };

    public static Participant ReadParticipant(SqliteDataReader r) => new()
    {
        RoomId = r.GetString(0),
        AccountId = r.GetString(1),
        Kind = (AccountKind)r.GetInt32(2),
        Role = (ParticipantRole)r.GetInt32(3),
        AutoRespond = r.GetInt64(4) != 0,
        DisplayName = r.IsDBNull(5) ? null : r.GetString(5),
        JoinedAt = Time(r.GetInt64(6)),
    };

    public static Conversation ReadConversation(SqliteDataReader r) => new()
    {
        Id = r.GetString(0),
        RoomId = r.GetString(1),
        Title = r.IsDBNull(2) ? null : r.GetString(2),
        CreatedBy = r.GetString(3),
        CreatedAt = Time(r.GetInt64(4)),
        LastSequence = r.GetInt64(5),
    };

    private static JsonElement ParseData(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
