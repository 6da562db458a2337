using Conversations.Sqlite.Internal;
using Microsoft.Data.Sqlite;
using static Conversations.Sqlite.Internal.SqliteSession;

namespace Conversations.Sqlite;

// Assets and folders. Folder moves rewrite path prefixes with substr() rather than LIKE, so '%' and '_' in names
// are plain characters and the comparison stays case-sensitive.
public sealed partial class SqliteConversationStore
{
    private const string AssetColumns = "id, scope, folder, name, media_type, size, sha256, uploaded_by, uploader_kind, status, created_at, expires_at, completed_at";
    private const string FolderWithin = "(folder = $p OR substr(folder, 1, length($p) + 1) = $p || '/')";
    private const string PathWithin = "(path = $p OR substr(path, 1, length($p) + 1) = $p || '/')";

    /// <inheritdoc />
    public override bool SupportsAssets => true;

    /// <inheritdoc />
    public override ValueTask<bool> ReserveAssetAsync(Asset asset, long quotaBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(asset);
        return new(WriteAsync(s =>
        {
            RequireFolder(s, asset.Scope.ToString(), asset.Folder);
            var used = s.Command("SELECT COALESCE(SUM(size), 0) FROM assets WHERE scope = $s AND status <> 2");
            Set(used, "$s", asset.Scope.ToString());
            if ((long)used.ExecuteScalar()! + asset.Size > quotaBytes)
            {
                return false;
            }

            if (FindAsset(s, asset.Id) is not null)
            {
                throw new ConflictException($"Asset '{asset.Id}' already exists.");
            }

            var insert = s.Command($"INSERT INTO assets ({AssetColumns}) VALUES ($id, $s, $f, $n, $t, $size, $sha, $by, $kind, $st, $at, $exp, $done)");
            Set(insert, "$id", asset.Id);
            Set(insert, "$s", asset.Scope.ToString());
            Set(insert, "$f", asset.Folder);
            Set(insert, "$n", asset.Name);
            Set(insert, "$t", asset.MediaType);
            Set(insert, "$size", asset.Size);
            Set(insert, "$sha", asset.Sha256);
            Set(insert, "$by", asset.UploadedBy);
            Set(insert, "$kind", (int)asset.UploaderKind);
            Set(insert, "$st", (int)asset.Status);
            Set(insert, "$at", Ticks(asset.CreatedAt));
            Set(insert, "$exp", Ticks(asset.ExpiresAt));
            Set(insert, "$done", Ticks(asset.CompletedAt));
            insert.ExecuteNonQuery();
            return true;
        }, cancellationToken));
    }

    /// <inheritdoc />
    public override ValueTask<Asset?> GetAssetAsync(string assetId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(assetId);
        return Read(s => FindAsset(s, assetId), cancellationToken);
    }

    /// <inheritdoc />
    public override ValueTask<Asset?> CompleteAssetAsync(string assetId, long size, string sha256, DateTimeOffset completedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(assetId);
        ArgumentNullException.ThrowIfNull(sha256);
        return new(WriteAsync(s =>
        {
            var update = s.Command("UPDATE assets SET size = $size, sha256 = $sha, status = 1, expires_at = NULL, completed_at = $done WHERE id = $id AND status = 0");
            Set(update, "$id", assetId);
            Set(update, "$size", size);
            Set(update, "$sha", sha256);
            Set(update, "$done", Ticks(completedAt));
            return update.ExecuteNonQuery() == 1 ? FindAsset(s, assetId) : null;
        }, cancellationToken));
    }

    /// <inheritdoc />
    public override ValueTask<Asset?> MoveAssetAsync(string assetId, string folder, string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(assetId);
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(name);
        return new(WriteAsync(s =>
        {
            if (FindAsset(s, assetId) is not { Status: AssetStatus.Ready } asset)
            {
                return null;
            }

            RequireFolder(s, asset.Scope.ToString(), folder);
            var update = s.Command("UPDATE assets SET folder = $f, name = $n WHERE id = $id AND status = 1");
            Set(update, "$id", assetId);
            Set(update, "$f", folder);
            Set(update, "$n", name);
            return update.ExecuteNonQuery() == 1 ? FindAsset(s, assetId) : null;
        }, cancellationToken));
    }

    /// <summary>Refuses a write into a folder that does not exist (checked in the write's transaction, so a folder deleted at the same time never keeps an asset).</summary>
    private static void RequireFolder(SqliteSession s, string scope, string folder)
    {
        if (folder == "/")
        {
            return;
        }

        var find = s.Command("SELECT 1 FROM asset_folders WHERE scope = $s AND path = $p");
        Set(find, "$s", scope);
        Set(find, "$p", folder);
        if (find.ExecuteScalar() is null)
        {
            throw new NotFoundException($"Folder '{folder}' does not exist in {scope}.");
        }
    }

    /// <inheritdoc />
    public override ValueTask<bool> MarkAssetDeletingAsync(string assetId, AssetStatus? expected, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(assetId);
        return new(WriteAsync(s =>
        {
            var update = s.Command("UPDATE assets SET status = 2 WHERE id = $id AND status <> 2 AND ($expected IS NULL OR status = $expected)");
            Set(update, "$id", assetId);
            Set(update, "$expected", expected is { } status ? (int)status : null);
            return update.ExecuteNonQuery() == 1;
        }, cancellationToken));
    }

    /// <inheritdoc />
    public override ValueTask<bool> RemoveAssetAsync(string assetId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(assetId);
        return new(WriteAsync(s =>
        {
            var delete = s.Command("DELETE FROM assets WHERE id = $id");
            Set(delete, "$id", assetId);
            return delete.ExecuteNonQuery() == 1;
        }, cancellationToken));
    }

    /// <inheritdoc />
    public override ValueTask<IReadOnlyList<Asset>> GetAssetsToSweepAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken) =>
        Read<IReadOnlyList<Asset>>(s =>
        {
            var command = s.Command($"SELECT {AssetColumns} FROM assets WHERE status = 2 OR (status = 0 AND expires_at <= $now) ORDER BY created_at, id LIMIT $limit");
            Set(command, "$now", Ticks(now));
            Set(command, "$limit", limit);
            return ReadAssets(command);
        }, cancellationToken);

    /// <inheritdoc />
    public override ValueTask<IReadOnlyList<Asset>> ListAssetsAsync(AssetScope scope, string folder, string? afterName, string? afterId, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(folder);
        return Read<IReadOnlyList<Asset>>(s =>
        {
            var command = s.Command(
                $"SELECT {AssetColumns} FROM assets WHERE scope = $s AND folder = $f AND status = 1 " +
                "AND ($an IS NULL OR name > $an OR (name = $an AND id > $ai)) ORDER BY name, id LIMIT $limit");
            Set(command, "$s", scope.ToString());
            Set(command, "$f", folder);
            Set(command, "$an", afterName);
            Set(command, "$ai", afterId ?? string.Empty);
            Set(command, "$limit", limit);
            return ReadAssets(command);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public override ValueTask<bool> CreateAssetFolderAsync(AssetFolder folder, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(folder);
        return new(WriteAsync(s =>
        {
            var parent = Parent(folder.Path);
            if (parent != "/" && FindFolder(s, folder.Scope, parent) is null)
            {
                throw new NotFoundException($"Folder '{parent}' does not exist in {folder.Scope}.");
            }

            var insert = s.Command("INSERT INTO asset_folders (scope, path, parent, created_by, created_at) VALUES ($s, $p, $parent, $by, $at) ON CONFLICT DO NOTHING");
            Set(insert, "$s", folder.Scope.ToString());
            Set(insert, "$p", folder.Path);
            Set(insert, "$parent", parent);
            Set(insert, "$by", folder.CreatedBy);
            Set(insert, "$at", Ticks(folder.CreatedAt));
            return insert.ExecuteNonQuery() == 1;
        }, cancellationToken));
    }

    /// <inheritdoc />
    public override ValueTask<AssetFolder?> GetAssetFolderAsync(AssetScope scope, string path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Read(s => FindFolder(s, scope, path), cancellationToken);
    }

    /// <inheritdoc />
    public override ValueTask<IReadOnlyList<AssetFolder>> ListAssetFoldersAsync(AssetScope scope, string parent, string? afterPath, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parent);
        return Read<IReadOnlyList<AssetFolder>>(s =>
        {
            var command = s.Command("SELECT scope, path, created_by, created_at FROM asset_folders WHERE scope = $s AND parent = $parent AND ($after IS NULL OR path > $after) ORDER BY path LIMIT $limit");
            Set(command, "$s", scope.ToString());
            Set(command, "$parent", parent);
            Set(command, "$after", afterPath);
            Set(command, "$limit", limit);
            var list = new List<AssetFolder>();
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                list.Add(ReadFolder(reader));
            }

            return list;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public override ValueTask<bool> MoveAssetFolderAsync(AssetScope scope, string path, string newPath, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(newPath);
        return new(WriteAsync(s =>
        {
            if (FindFolder(s, scope, path) is null)
            {
                return false;
            }

            if (FindFolder(s, scope, newPath) is not null)
            {
                throw new ConflictException($"Folder '{newPath}' already exists in {scope}.");
            }

            var parent = Parent(newPath);
            if (parent != "/" && FindFolder(s, scope, parent) is null)
            {
                throw new NotFoundException($"Folder '{parent}' does not exist in {scope}.");
            }

            // Descendants: both their path and their parent start with the moved path.
            var descendants = s.Command(
                "UPDATE asset_folders SET path = $to || substr(path, length($p) + 1), parent = $to || substr(parent, length($p) + 1) " +
                "WHERE scope = $s AND substr(path, 1, length($p) + 1) = $p || '/'");
            BindMove(descendants, scope, path, newPath);
            descendants.ExecuteNonQuery();
            var self = s.Command("UPDATE asset_folders SET path = $to, parent = $parent WHERE scope = $s AND path = $p");
            BindMove(self, scope, path, newPath);
            Set(self, "$parent", parent);
            self.ExecuteNonQuery();
            var assets = s.Command($"UPDATE assets SET folder = $to || substr(folder, length($p) + 1) WHERE scope = $s AND {FolderWithin}");
            BindMove(assets, scope, path, newPath);
            assets.ExecuteNonQuery();
            return true;
        }, cancellationToken));
    }

    /// <inheritdoc />
    public override ValueTask<int> DeleteAssetFolderAsync(AssetScope scope, string path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(path);
        return new(WriteAsync(s =>
        {
            if (FindFolder(s, scope, path) is null)
            {
                return -1;
            }

            var assets = s.Command($"UPDATE assets SET status = 2 WHERE scope = $s AND status <> 2 AND {FolderWithin}");
            Set(assets, "$s", scope.ToString());
            Set(assets, "$p", path);
            var count = assets.ExecuteNonQuery();
            var folders = s.Command($"DELETE FROM asset_folders WHERE scope = $s AND {PathWithin}");
            Set(folders, "$s", scope.ToString());
            Set(folders, "$p", path);
            folders.ExecuteNonQuery();
            return count;
        }, cancellationToken));
    }

    private static void BindMove(SqliteCommand command, AssetScope scope, string path, string newPath)
    {
        Set(command, "$s", scope.ToString());
        Set(command, "$p", path);
        Set(command, "$to", newPath);
    }

    private static string Parent(string path) => path.LastIndexOf('/') is <= 0 ? "/" : path[..path.LastIndexOf('/')];

    private static Asset? FindAsset(SqliteSession s, string assetId)
    {
        var command = s.Command($"SELECT {AssetColumns} FROM assets WHERE id = $id");
        Set(command, "$id", assetId);
        var list = ReadAssets(command);
        return list.Count == 0 ? null : list[0];
    }

    private static AssetFolder? FindFolder(SqliteSession s, AssetScope scope, string path)
    {
        var command = s.Command("SELECT scope, path, created_by, created_at FROM asset_folders WHERE scope = $s AND path = $p");
        Set(command, "$s", scope.ToString());
        Set(command, "$p", path);
        using var reader = command.ExecuteReader();
        return reader.Read() ? ReadFolder(reader) : null;
    }

    private static List<Asset> ReadAssets(SqliteCommand command)
    {
        var list = new List<Asset>();
        using var r = command.ExecuteReader();
        while (r.Read())
        {
            list.Add(new Asset
            {
                Id = r.GetString(0),
                Scope = AssetScope.Parse(r.GetString(1)),
                Folder = r.GetString(2),
                Name = r.GetString(3),
                MediaType = r.GetString(4),
                Size = r.GetInt64(5),
                Sha256 = r.IsDBNull(6) ? null : r.GetString(6),
                UploadedBy = r.GetString(7),
                UploaderKind = (AccountKind)r.GetInt32(8),
                Status = (AssetStatus)r.GetInt32(9),
                CreatedAt = Time(r.GetInt64(10)),
                ExpiresAt = r.IsDBNull(11) ? null : Time(r.GetInt64(11)),
                CompletedAt = r.IsDBNull(12) ? null : Time(r.GetInt64(12)),
            });
        }

        return list;
    }

    private static AssetFolder ReadFolder(SqliteDataReader r) => new()
    {
        Scope = AssetScope.Parse(r.GetString(0)),
        Path = r.GetString(1),
        CreatedBy = r.GetString(2),
        CreatedAt = Time(r.GetInt64(3)),
    };
}
