using Npgsql;

namespace Conversations.PostgreSql.Internal;

/// <summary>
/// The schema, as numbered migrations kept in the table <c>schema_version</c> of the store's schema. Every host runs
/// <see cref="MigrateAsync"/> at start-up; a transaction-scoped advisory lock lets one of them migrate while the others
/// wait and then find the work done.
/// </summary>
internal static class PostgreSqlSchema
{
    // Append new migrations; never edit a released one. Index i upgrades version i to i + 1. "{s}" is the schema.
    private static readonly string[] s_migrations =
    [
        """
        CREATE TABLE {s}.rooms (
            id text PRIMARY KEY,
            kind integer NOT NULL,
            name text,
            created_by text NOT NULL,
            created_at timestamptz NOT NULL,
            direct_key text UNIQUE
        );
        CREATE TABLE {s}.participants (
            pk bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            room_id text NOT NULL REFERENCES {s}.rooms (id),
            account_id text NOT NULL,
            kind integer NOT NULL,
            role integer NOT NULL,
            auto_respond boolean NOT NULL,
            display_name text,
            joined_at timestamptz NOT NULL,
            UNIQUE (room_id, account_id)
        );
        CREATE INDEX participants_by_account ON {s}.participants (account_id, room_id);
        CREATE INDEX participants_auto_respond ON {s}.participants (room_id) WHERE auto_respond AND kind = 1;
        CREATE TABLE {s}.conversations (
            id text PRIMARY KEY,
            room_id text NOT NULL REFERENCES {s}.rooms (id),
            title text,
            created_by text NOT NULL,
            created_at timestamptz NOT NULL,
            last_sequence bigint NOT NULL DEFAULT 0
        );
        CREATE INDEX conversations_by_room ON {s}.conversations (room_id, created_at, id);
        CREATE TABLE {s}.messages (
            conversation_id text NOT NULL REFERENCES {s}.conversations (id),
            sequence bigint NOT NULL,
            id text NOT NULL,
            room_id text NOT NULL,
            last_sequence bigint NOT NULL,
            sender_id text NOT NULL,
            sender_kind integer NOT NULL,
            text text NOT NULL,
            format integer NOT NULL,
            attachments jsonb,
            data json,
            reply_to_id text,
            client_message_id text,
            status integer NOT NULL,
            created_at timestamptz NOT NULL,
            edited_at timestamptz,
            deleted_at timestamptz,
            chain_depth integer NOT NULL DEFAULT 0,
            stream_owner text,
            stream_lease_expires timestamptz,
            stream_deltas integer NOT NULL DEFAULT 0,
            PRIMARY KEY (conversation_id, sequence),
            UNIQUE (conversation_id, id)
        );
        CREATE UNIQUE INDEX messages_by_client_id ON {s}.messages (conversation_id, sender_id, client_message_id)
            WHERE client_message_id IS NOT NULL;
        CREATE INDEX messages_streaming ON {s}.messages (conversation_id, id) WHERE status = 1;
        CREATE TABLE {s}.log (
            conversation_id text NOT NULL,
            sequence bigint NOT NULL,
            kind integer NOT NULL,
            message_sequence bigint NOT NULL,
            at timestamptz NOT NULL,
            PRIMARY KEY (conversation_id, sequence),
            FOREIGN KEY (conversation_id, message_sequence) REFERENCES {s}.messages (conversation_id, sequence)
        );
        CREATE TABLE {s}.read_markers (
            conversation_id text NOT NULL REFERENCES {s}.conversations (id),
            account_id text NOT NULL,
            sequence bigint NOT NULL,
            updated_at timestamptz NOT NULL,
            PRIMARY KEY (conversation_id, account_id)
        );
        CREATE TABLE {s}.triggers (
            conversation_id text NOT NULL,
            agent_id text NOT NULL,
            sequence bigint NOT NULL,
            room_id text NOT NULL,
            kind integer NOT NULL,
            message_id text,
            chain_depth integer NOT NULL,
            status integer NOT NULL,
            attempts integer NOT NULL,
            lease_owner text,
            lease_expires timestamptz,
            next_attempt_at timestamptz NOT NULL,
            created_at timestamptz NOT NULL,
            last_error text,
            PRIMARY KEY (conversation_id, agent_id, sequence)
        );
        CREATE INDEX triggers_pending ON {s}.triggers (created_at, conversation_id, agent_id, sequence) WHERE status = 0;
        """,
        """
        CREATE TABLE {s}.assets (
            id text COLLATE "C" PRIMARY KEY,
            scope text NOT NULL,
            folder text COLLATE "C" NOT NULL,
            name text COLLATE "C" NOT NULL,
            media_type text NOT NULL,
            size bigint NOT NULL,
            sha256 text,
            uploaded_by text NOT NULL,
            uploader_kind integer NOT NULL,
            status integer NOT NULL,
            created_at timestamptz NOT NULL,
            expires_at timestamptz,
            completed_at timestamptz
        );
        CREATE INDEX assets_by_folder ON {s}.assets (scope, folder, name, id);
        CREATE INDEX assets_to_sweep ON {s}.assets (created_at, id) WHERE status <> 1;
        CREATE TABLE {s}.asset_folders (
            scope text NOT NULL,
            path text COLLATE "C" NOT NULL,
            parent text COLLATE "C" NOT NULL,
            created_by text NOT NULL,
            created_at timestamptz NOT NULL,
            PRIMARY KEY (scope, path)
        );
        CREATE INDEX asset_folders_by_parent ON {s}.asset_folders (scope, parent, path);
        """,
    ];

    /// <summary>Gets the schema version this build writes.</summary>
    public static int CurrentVersion => s_migrations.Length;

    /// <summary>
    /// Creates the schema when missing and applies the migrations it lacks, in one transaction. Refuses, changing nothing,
    /// a schema that holds tables of something else or that a newer version wrote.
    /// </summary>
    /// <returns>The version found and the version now.</returns>
    public static async Task<(int From, int To)> MigrateAsync(NpgsqlConnection connection, string schema, bool apply, CancellationToken cancellationToken)
    {
        var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var transactionScope = transaction.ConfigureAwait(false);
        await ExecuteAsync(connection, $"SELECT pg_advisory_xact_lock(hashtextextended('conversations.schema:{schema}', 0))", cancellationToken).ConfigureAwait(false);
        var version = await ReadVersionAsync(connection, schema, cancellationToken).ConfigureAwait(false);
        if (version > CurrentVersion)
        {
            throw new UnavailableException($"The PostgreSQL schema '{schema}' has version {version}, written by a newer version of Conversations.PostgreSql; this version understands up to {CurrentVersion}. It was not changed. Upgrade the package.");
        }

        if (version == CurrentVersion)
        {
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return (version, version);
        }

        if (!apply)
        {
            throw new UnavailableException($"The PostgreSQL schema '{schema}' is at version {version}; this version of Conversations.PostgreSql needs {CurrentVersion} and ApplyMigrations is off. Apply the migrations (start one host with ApplyMigrations on) and try again.");
        }

        if (version == 0)
        {
            await ExecuteAsync(connection, $"CREATE SCHEMA IF NOT EXISTS {schema}; CREATE TABLE {schema}.schema_version (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())", cancellationToken).ConfigureAwait(false);
        }

        for (var v = version; v < CurrentVersion; v++)
        {
            await ExecuteAsync(connection, s_migrations[v].Replace("{s}", schema, StringComparison.Ordinal), cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, $"INSERT INTO {schema}.schema_version (version) VALUES ({v + 1})", cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return (version, CurrentVersion);
    }

    /// <summary>0 for a schema that is missing or empty; refuses one that holds tables but no version table.</summary>
    private static async Task<int> ReadVersionAsync(NpgsqlConnection connection, string schema, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand(
            "SELECT to_regclass($1) IS NOT NULL, (SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = $2)", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = schema + ".schema_version" });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = schema });
        bool versioned;
        long tables;
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            versioned = reader.GetBoolean(0);
            tables = reader.GetInt64(1);
        }

        if (!versioned)
        {
            return tables == 0
                ? 0
                : throw new UnavailableException($"The PostgreSQL schema '{schema}' holds {tables} tables but is not a Conversations schema (it has no schema_version table). It was not changed; choose another schema.");
        }

        using var read = new NpgsqlCommand($"SELECT coalesce(max(version), 0) FROM {schema}.schema_version", connection);
        return Convert.ToInt32(await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
