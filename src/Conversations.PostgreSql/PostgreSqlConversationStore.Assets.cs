using Npgsql;
using static Conversations.PostgreSql.Internal.PostgreSqlRows;

namespace Conversations.PostgreSql;

// Assets and folders. Names, paths and ids are stored with the "C" collation, so listings page in ordinal order whatever
// the database's collation is; folder moves compare and rewrite path prefixes with left()/substr(), never LIKE, so '%' and
// '_' in names are plain characters.
public sealed partial class PostgreSqlConversationStore
{
    private const string AssetColumns =
        "a.id, a.scope, a.folder, a.name, a.media_type, a.size, a.sha256, a.uploaded_by, a.uploader_kind, a.status, a.created_at, a.expires_at, a.completed_at";

    private const string FolderColumns = "f.scope, f.path, f.created_by, f.created_at";

    /// <inheritdoc />
    public override bool SupportsAssets => true;

    /// <inheritdoc />
    /// <remarks>
    /// Reservations in one space are serialized by a transaction-scoped advisory lock on the space, so two hosts reserving
    /// at once cannot both fit under the quota.
    /// </remarks>
    public override ValueTask<bool> ReserveAssetAsync(Asset asset, long quotaBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(asset);
        var scope = asset.Scope.ToString();
        return new(WriteAsync<bool>(async (c, ct) =>
        {
            using (var lockScope = Command(c, "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", P($"conversations.assets:{_s}:{scope}")))
            {
                await lockScope.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            if (!await LockFolderAsync(c, scope, asset.Folder, ct).ConfigureAwait(false))
            {
                throw new NotFoundException($"Folder '{asset.Folder}' does not exist in {asset.Scope}.");
            }

            using (var used = Command(c, $"SELECT coalesce(sum(size), 0)::bigint FROM {_s}.assets WHERE scope = $1 AND status <> 2", P(scope)))
            {
                var total = (long)(await used.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
                if (total + asset.Size > quotaBytes)
                {
                    return (false, false);
                }
            }

            using var insert = Command(c,
                $"INSERT INTO {_s}.assets (id, scope, folder, name, media_type, size, sha256, uploaded_by, uploader_kind, status, created_at, expires_at, completed_at) " +
                "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT (id) DO NOTHING",
                P(asset.Id), P(scope), P(asset.Folder), P(asset.Name), P(asset.MediaType), P(asset.Size), P(asset.Sha256), P(asset.UploadedBy),
                P((int)asset.UploaderKind), P((int)asset.Status), Time(asset.CreatedAt), Time(asset.ExpiresAt), Time(asset.CompletedAt));
            return await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1
                ? (true, true)
                : throw new ConflictException($"Asset '{asset.Id}' already exists.");
        }, cancellationToken));
    }

    /// <inheritdoc />
    public override async ValueTask<Asset?> GetAssetAsync(string assetId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(assetId);
        var list = await ReadListAsync($"SELECT {AssetColumns} FROM {_s}.assets a WHERE a.id = $1", ReadAsset, cancellationToken, P(assetId)).ConfigureAwait(false);
        return list.Count == 0 ? null : list[0];
    }

    /// <inheritdoc />
    public override ValueTask<Asset?> CompleteAssetAsync(string assetId, long size, string sha256, DateTimeOffset completedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(assetId);
        ArgumentNullException.ThrowIfNull(sha256);
        return new(ChangeAssetAsync(
            $"UPDATE {_s}.assets a SET size = $2, sha256 = $3, status = 1, expires_at = NULL, completed_at = $4 WHERE a.id = $1 AND a.status = 0 RETURNING {AssetColumns}",
            cancellationToken,
            P(assetId),
            P(size),
            P(sha256),
            Time(completedAt)));
    }

    /// <inheritdoc />
    public override ValueTask<Asset?> MoveAssetAsync(string assetId, string folder, string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(assetId);
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(name);
        return new(WriteAsync<Asset?>(async (c, ct) =>
        {
            string scope;
            using (var find = Command(c, $"SELECT a.scope FROM {_s}.assets a WHERE a.id = $1 AND a.status = 1 FOR UPDATE", P(assetId)))
            {
                if (await find.ExecuteScalarAsync(ct).ConfigureAwait(false) is not string found)
                {
                    return (null, false);
                }

                scope = found;
            }

            if (!await LockFolderAsync(c, scope, folder, ct).ConfigureAwait(false))
            {
                throw new NotFoundException($"Folder '{folder}' does not exist in {scope}.");
            }

            using var move = Command(c, $"UPDATE {_s}.assets a SET folder = $2, name = $3 WHERE a.id = $1 RETURNING {AssetColumns}", P(assetId), P(folder), P(name));
            var reader = await move.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await using var readerScope = reader.ConfigureAwait(false);
            return await reader.ReadAsync(ct).ConfigureAwait(false) ? (ReadAsset(reader), true) : (null, false);
        }, cancellationToken));
    }

    /// <inheritdoc />
    public override ValueTask<bool> MarkAssetDeletingAsync(string assetId, AssetStatus? expected, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(assetId);
        var status = new NpgsqlParameter { Value = expected is { } e ? (int)e : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer };
        return new(ExecuteWriteAsync($"UPDATE {_s}.assets SET status = 2 WHERE id = $1 AND status <> 2 AND ($2::integer IS NULL OR status = $2)", cancellationToken, P(assetId), status));
    }

    /// <inheritdoc />
    public override ValueTask<bool> RemoveAssetAsync(string assetId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(assetId);
        return new(ExecuteWriteAsync($"DELETE FROM {_s}.assets WHERE id = $1", cancellationToken, P(assetId)));
    }

    /// <inheritdoc />
    public override ValueTask<IReadOnlyList<Asset>> GetAssetsToSweepAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken) =>
        ReadListAsync(
            $"SELECT {AssetColumns} FROM {_s}.assets a WHERE a.status <> 1 AND (a.status = 2 OR (a.status = 0 AND a.expires_at <= $1)) ORDER BY a.created_at, a.id LIMIT $2",
            ReadAsset,
            cancellationToken,
            Time(now),
            P(Math.Max(0, limit)));

    /// <inheritdoc />
    public override ValueTask<IReadOnlyList<Asset>> ListAssetsAsync(AssetScope scope, string folder, string? afterName, string? afterId, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(folder);
        return ReadListAsync(
            $"SELECT {AssetColumns} FROM {_s}.assets a WHERE a.scope = $1 AND a.folder = $2 AND a.status = 1 " +
            "AND ($3::text IS NULL OR a.name > $3 OR (a.name = $3 AND a.id > $4)) ORDER BY a.name, a.id LIMIT $5",
            ReadAsset,
            cancellationToken,
            P(scope.ToString()),
            P(folder),
            P(afterName),
            P(afterId ?? string.Empty),
            P(Math.Max(0, limit)));
    }

    /// <inheritdoc />
    public override ValueTask<bool> CreateAssetFolderAsync(AssetFolder folder, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(folder);
        var scope = folder.Scope.ToString();
        var parent = ParentFolder(folder.Path);
        return new(WriteAsync<bool>(async (c, ct) =>
        {
            if (!await LockAncestorsAsync(c, scope, folder.Path, ct).ConfigureAwait(false))
            {
                throw new NotFoundException($"Folder '{parent}' does not exist in {folder.Scope}.");
            }

            using var insert = Command(c,
                $"INSERT INTO {_s}.asset_folders (scope, path, parent, created_by, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
                P(scope), P(folder.Path), P(parent), P(folder.CreatedBy), Time(folder.CreatedAt));
            return (await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1, true);
        }, cancellationToken));
    }

    /// <inheritdoc />
    public override async ValueTask<AssetFolder?> GetAssetFolderAsync(AssetScope scope, string path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(path);
        var list = await ReadListAsync($"SELECT {FolderColumns} FROM {_s}.asset_folders f WHERE f.scope = $1 AND f.path = $2", ReadFolder, cancellationToken, P(scope.ToString()), P(path)).ConfigureAwait(false);
        return list.Count == 0 ? null : list[0];
    }

    /// <inheritdoc />
    public override ValueTask<IReadOnlyList<AssetFolder>> ListAssetFoldersAsync(AssetScope scope, string parent, string? afterPath, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parent);
        return ReadListAsync(
            $"SELECT {FolderColumns} FROM {_s}.asset_folders f WHERE f.scope = $1 AND f.parent = $2 AND ($3::text IS NULL OR f.path > $3) ORDER BY f.path LIMIT $4",
            ReadFolder,
            cancellationToken,
            P(scope.ToString()),
            P(parent),
            P(afterPath),
            P(Math.Max(0, limit)));
    }

    /// <inheritdoc />
    public override ValueTask<bool> MoveAssetFolderAsync(AssetScope scope, string path, string newPath, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(newPath);
        var space = scope.ToString();
        var parent = ParentFolder(newPath);
        return new(WriteAsync<bool>(async (c, ct) =>
        {
            // The source's ancestors first (a delete of one of them waits for this move, or this move for it), then the source.
            await LockAncestorsAsync(c, space, path, ct).ConfigureAwait(false);
            if (!await ExistsAsync(c, $"SELECT 1 FROM {_s}.asset_folders WHERE scope = $1 AND path = $2 FOR UPDATE", ct, P(space), P(path)).ConfigureAwait(false))
            {
                return (false, false);
            }

            if (await ExistsAsync(c, $"SELECT 1 FROM {_s}.asset_folders WHERE scope = $1 AND path = $2", ct, P(space), P(newPath)).ConfigureAwait(false))
            {
                throw new ConflictException($"Folder '{newPath}' already exists in {scope}.");
            }

            if (!await LockAncestorsAsync(c, space, newPath, ct).ConfigureAwait(false))
            {
                throw new NotFoundException($"Folder '{parent}' does not exist in {scope}.");
            }

            // The folder and its descendants (whose path and parent both start with the moved path), then the assets in them.
            using var batch = new NpgsqlBatch(c) { Timeout = _commandTimeout };
            batch.BatchCommands.Add(BatchCommand(
                $"UPDATE {_s}.asset_folders SET path = $3 || substr(path, length($2) + 1), " +
                "parent = CASE WHEN path = $2 THEN $4 ELSE $3 || substr(parent, length($2) + 1) END " +
                "WHERE scope = $1 AND (path = $2 OR left(path, length($2) + 1) = $2 || '/')",
                P(space), P(path), P(newPath), P(parent)));
            batch.BatchCommands.Add(BatchCommand(
                $"UPDATE {_s}.assets SET folder = $3 || substr(folder, length($2) + 1) WHERE scope = $1 AND (folder = $2 OR left(folder, length($2) + 1) = $2 || '/')",
                P(space), P(path), P(newPath)));
            await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            return (true, true);
        }, cancellationToken));
    }

    /// <inheritdoc />
    public override ValueTask<int> DeleteAssetFolderAsync(AssetScope scope, string path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(path);
        var space = scope.ToString();
        return new(WriteAsync<int>(async (c, ct) =>
        {
            if (!await ExistsAsync(c, $"SELECT 1 FROM {_s}.asset_folders WHERE scope = $1 AND path = $2 FOR UPDATE", ct, P(space), P(path)).ConfigureAwait(false))
            {
                return (-1, false);
            }

            int marked;
            using (var assets = Command(c,
                $"UPDATE {_s}.assets SET status = 2 WHERE scope = $1 AND status <> 2 AND (folder = $2 OR left(folder, length($2) + 1) = $2 || '/')",
                P(space), P(path)))
            {
                marked = await assets.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            using var folders = Command(c, $"DELETE FROM {_s}.asset_folders WHERE scope = $1 AND (path = $2 OR left(path, length($2) + 1) = $2 || '/')", P(space), P(path));
            await folders.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            return (marked, true);
        }, cancellationToken));
    }

    /// <summary>
    /// Share-locks every folder above <paramref name="path"/> (the top excepted) and says whether all of them exist. A
    /// folder being deleted or moved is locked <c>FOR UPDATE</c>, which conflicts with these locks: a delete of any
    /// ancestor either finishes first (and this finds it gone) or waits for this transaction and then sees — its later
    /// statements take fresh snapshots — whatever it added below, so nothing is left under a folder that is gone. Locking
    /// only the parent was not enough: deleting a grandparent deletes the parent by a statement whose snapshot was taken
    /// before a child was inserted, and the child stayed behind. Rows are locked in path order.
    /// </summary>
    private async Task<bool> LockAncestorsAsync(NpgsqlConnection c, string scope, string path, CancellationToken ct)
    {
        var ancestors = Ancestors(path);
        if (ancestors.Length == 0)
        {
            return true;
        }

        using var command = Command(c,
            $"SELECT count(*) FROM (SELECT 1 FROM {_s}.asset_folders WHERE scope = $1 AND path = ANY($2) ORDER BY path FOR KEY SHARE) AS locked",
            P(scope), P(ancestors));
        return (long)(await command.ExecuteScalarAsync(ct).ConfigureAwait(false))! == ancestors.Length;
    }

    /// <summary>Share-locks a folder and every folder above it (see <see cref="LockAncestorsAsync"/>); whether all exist. The top always does.</summary>
    private Task<bool> LockFolderAsync(NpgsqlConnection c, string scope, string folder, CancellationToken ct) =>
        folder == "/" ? Task.FromResult(true) : LockAncestorsAsync(c, scope, folder + "/", ct);

    /// <summary>The folders above a path, top first, without the top itself: <c>/a/b/c</c> gives <c>/a</c> and <c>/a/b</c>.</summary>
    private static string[] Ancestors(string path)
    {
        var ancestors = new List<string>();
        for (var end = path.IndexOf('/', 1); end > 0; end = path.IndexOf('/', end + 1))
        {
            ancestors.Add(path[..end]);
        }

        return [.. ancestors];
    }

    private static string ParentFolder(string path) => path.LastIndexOf('/') is <= 0 ? "/" : path[..path.LastIndexOf('/')];

    private static Asset ReadAsset(NpgsqlDataReader r) => new()
    {
        Id = r.GetString(0),
        Scope = AssetScope.Parse(r.GetString(1)),
        Folder = r.GetString(2),
        Name = r.GetString(3),
        MediaType = r.GetString(4),
        Size = r.GetInt64(5),
        Sha256 = ReadStringOrNull(r, 6),
        UploadedBy = r.GetString(7),
        UploaderKind = (AccountKind)r.GetInt32(8),
        Status = (AssetStatus)r.GetInt32(9),
        CreatedAt = ReadTime(r, 10),
        ExpiresAt = ReadTimeOrNull(r, 11),
        CompletedAt = ReadTimeOrNull(r, 12),
    };

    private static AssetFolder ReadFolder(NpgsqlDataReader r) => new()
    {
        Scope = AssetScope.Parse(r.GetString(0)),
        Path = r.GetString(1),
        CreatedBy = r.GetString(2),
        CreatedAt = ReadTime(r, 3),
    };

    private async Task<bool> ExistsAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params NpgsqlParameter[] parameters)
    {
        using var command = Command(connection, sql, parameters);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
    }

    /// <summary>Runs one conditional asset update returning the changed row, or <see langword="null"/> when nothing matched.</summary>
    private Task<Asset?> ChangeAssetAsync(string sql, CancellationToken cancellationToken, params NpgsqlParameter[] parameters) =>
        WriteAsync<Asset?>(async (c, ct) =>
        {
            using var command = Command(c, sql, parameters.Select(p => p.Clone()).ToArray());
            var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await using var readerScope = reader.ConfigureAwait(false);
            return await reader.ReadAsync(ct).ConfigureAwait(false) ? (ReadAsset(reader), true) : (null, false);
        }, cancellationToken);

    /// <summary>Runs one write statement; <see langword="true"/> when it changed a row.</summary>
    private Task<bool> ExecuteWriteAsync(string sql, CancellationToken cancellationToken, params NpgsqlParameter[] parameters) =>
        WriteAsync<bool>(async (c, ct) =>
        {
            using var command = Command(c, sql, parameters.Select(p => p.Clone()).ToArray());
            var changed = await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) > 0;
            return (changed, changed);
        }, cancellationToken);
}
