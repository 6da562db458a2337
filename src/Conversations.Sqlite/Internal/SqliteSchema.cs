using Microsoft.Data.Sqlite;

namespace Conversations.Sqlite.Internal;

/// <summary>The schema, as numbered migrations. The version reached is kept in <c>PRAGMA user_version</c>.</summary>
internal static class SqliteSchema
{
    /// <summary>Marks a file as a Conversations database (<c>PRAGMA application_id</c>, "Conv" in ASCII).</summary>
    public const int ApplicationId = 0x436F6E76;

    // Append new migrations; never edit a released one. Index i upgrades version i to i + 1.
    private static readonly string[] s_migrations =
    [
        """
        CREATE TABLE rooms (
            id TEXT NOT NULL PRIMARY KEY,
            kind INTEGER NOT NULL,
            name TEXT,
            created_by TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            direct_key TEXT UNIQUE
        );
        CREATE TABLE participants (
            pk INTEGER PRIMARY KEY,
            room_id TEXT NOT NULL REFERENCES rooms(id),
            account_id TEXT NOT NULL,
            kind INTEGER NOT NULL,
            role INTEGER NOT NULL,
            auto_respond INTEGER NOT NULL,
            display_name TEXT,
            joined_at INTEGER NOT NULL,
            UNIQUE (room_id, account_id)
        );
        CREATE INDEX participants_by_account ON participants(account_id, room_id);
        CREATE TABLE conversations (
            id TEXT NOT NULL PRIMARY KEY,
            room_id TEXT NOT NULL REFERENCES rooms(id),
            title TEXT,
            created_by TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            last_sequence INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX conversations_by_room ON conversations(room_id, created_at, id);
        CREATE TABLE messages (
            pk INTEGER PRIMARY KEY,
            conversation_id TEXT NOT NULL REFERENCES conversations(id),
            sequence INTEGER NOT NULL,
            id TEXT NOT NULL,
            room_id TEXT NOT NULL,
            last_sequence INTEGER NOT NULL,
            sender_id TEXT NOT NULL,
            sender_kind INTEGER NOT NULL,
            text TEXT NOT NULL,
            format INTEGER NOT NULL,
            attachments TEXT,
            data TEXT,
            reply_to_id TEXT,
            client_message_id TEXT,
            status INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            edited_at INTEGER,
            deleted_at INTEGER,
            UNIQUE (conversation_id, sequence),
            UNIQUE (conversation_id, id)
        );
        CREATE UNIQUE INDEX messages_by_client_id ON messages(conversation_id, sender_id, client_message_id)
            WHERE client_message_id IS NOT NULL;
        CREATE INDEX messages_streaming ON messages(status) WHERE status = 1;
        CREATE TABLE log (
            conversation_id TEXT NOT NULL,
            sequence INTEGER NOT NULL,
            kind INTEGER NOT NULL,
            message_pk INTEGER NOT NULL REFERENCES messages(pk),
            at INTEGER NOT NULL,
            PRIMARY KEY (conversation_id, sequence)
        ) WITHOUT ROWID;
        CREATE TABLE read_markers (
            conversation_id TEXT NOT NULL REFERENCES conversations(id),
            account_id TEXT NOT NULL,
            sequence INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            PRIMARY KEY (conversation_id, account_id)
        ) WITHOUT ROWID;
        """,
        """
        ALTER TABLE messages ADD COLUMN chain_depth INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE messages ADD COLUMN stream_owner TEXT;
        ALTER TABLE messages ADD COLUMN stream_lease_expires INTEGER;
        ALTER TABLE messages ADD COLUMN stream_deltas INTEGER NOT NULL DEFAULT 0;
        CREATE INDEX participants_auto_respond ON participants(room_id) WHERE auto_respond = 1 AND kind = 1;
        CREATE TABLE triggers (
            conversation_id TEXT NOT NULL,
            agent_id TEXT NOT NULL,
            sequence INTEGER NOT NULL,
            room_id TEXT NOT NULL,
            kind INTEGER NOT NULL,
            message_id TEXT,
            chain_depth INTEGER NOT NULL,
            status INTEGER NOT NULL,
            attempts INTEGER NOT NULL,
            lease_owner TEXT,
            lease_expires INTEGER,
            next_attempt_at INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            last_error TEXT,
            PRIMARY KEY (conversation_id, agent_id, sequence)
        ) WITHOUT ROWID;
        CREATE INDEX triggers_pending ON triggers(created_at, conversation_id, agent_id, sequence) WHERE status = 0;
        """,
        // Assets: file metadata (bytes live in the blob store) and the folders of each space.
        // Attachments stored before this version keep their name, type and size and have no asset id.
        """
        CREATE TABLE assets (
            id TEXT NOT NULL PRIMARY KEY,
            scope TEXT NOT NULL,
            folder TEXT NOT NULL,
            name TEXT NOT NULL,
            media_type TEXT NOT NULL,
            size INTEGER NOT NULL,
            sha256 TEXT,
            uploaded_by TEXT NOT NULL,
            uploader_kind INTEGER NOT NULL,
            status INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            expires_at INTEGER,
            completed_at INTEGER
        );
        CREATE INDEX assets_by_folder ON assets(scope, folder, name, id);
        CREATE INDEX assets_to_sweep ON assets(status, expires_at) WHERE status <> 1;
        CREATE TABLE asset_folders (
            scope TEXT NOT NULL,
            path TEXT NOT NULL,
            parent TEXT NOT NULL,
            created_by TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            PRIMARY KEY (scope, path)
        ) WITHOUT ROWID;
        CREATE INDEX asset_folders_by_parent ON asset_folders(scope, parent, path);
        """,
    ];

    /// <summary>Gets the SQL of one migration (index i upgrades version i to i + 1). For upgrade tests.</summary>
    public static string Migration(int index) => s_migrations[index];

    /// <summary>Gets the schema version this build writes.</summary>
    public static int CurrentVersion => s_migrations.Length;

    /// <summary>
    /// Checks that the database is empty or ours and not newer, then applies the missing migrations in one
    /// write transaction. Changes nothing in a file it refuses.
    /// </summary>
    /// <returns>The version found and the version now.</returns>
    public static (int From, int To) Migrate(SqliteConnection connection, string dataSource, Action requireWritable)
    {
        var (applicationId, version, objects) = Inspect(connection);
        Check(dataSource, applicationId, version, objects);
        if (version == CurrentVersion)
        {
            return (version, version);
        }

        requireWritable();

        // Take the write lock, then look again: another process may have migrated meanwhile.
        Execute(connection, "BEGIN IMMEDIATE");
        try
        {
            (applicationId, version, objects) = Inspect(connection);
            Check(dataSource, applicationId, version, objects);
            var from = version;
            for (var v = version; v < CurrentVersion; v++)
            {
                Execute(connection, s_migrations[v]);
            }

            Execute(connection, $"PRAGMA application_id = {ApplicationId}; PRAGMA user_version = {CurrentVersion};");
            Execute(connection, "COMMIT");
            return (from, CurrentVersion);
        }
        catch
        {
            Execute(connection, "ROLLBACK");
            throw;
        }
    }

    private static (int ApplicationId, int Version, long Objects) Inspect(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT (SELECT application_id FROM pragma_application_id), (SELECT user_version FROM pragma_user_version), (SELECT count(*) FROM sqlite_schema)";
        using var reader = command.ExecuteReader();
        reader.Read();
        return (reader.GetInt32(0), reader.GetInt32(1), reader.GetInt64(2));
    }

    private static void Check(string dataSource, int applicationId, int version, long objects)
    {
        var empty = applicationId == 0 && version == 0 && objects == 0;
        if (!empty && applicationId != ApplicationId)
        {
            throw new UnavailableException($"'{dataSource}' is a SQLite database, but not a Conversations database (application id {applicationId}, {objects} schema objects). It was not changed.");
        }

        if (version > CurrentVersion)
        {
            throw new UnavailableException($"'{dataSource}' has schema version {version}, made by a newer version of Conversations.Sqlite; this version understands up to {CurrentVersion}. It was not changed. Upgrade the package.");
        }
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
