using Conversations.Internal;

namespace Conversations;

// Assets and folders, under the same lock as everything else.
public sealed partial class InMemoryConversationStore
{
    private readonly Dictionary<string, Asset> _assets = new(StringComparer.Ordinal);
    private readonly Dictionary<(AssetScope Scope, string Path), AssetFolder> _folders = [];

    /// <inheritdoc />
    public override bool SupportsAssets => true;

    /// <inheritdoc />
    public override ValueTask<bool> ReserveAssetAsync(Asset asset, long quotaBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(asset);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            RequireFolder(asset.Scope, asset.Folder);
            if (_assets.ContainsKey(asset.Id))
            {
                throw new ConflictException($"Asset '{asset.Id}' already exists.");
            }

            var used = _assets.Values.Where(a => a.Scope == asset.Scope && a.Status != AssetStatus.Deleting).Sum(a => a.Size);
            if (used + asset.Size > quotaBytes)
            {
                return new(false);
            }

            _assets.Add(asset.Id, asset);
            return new(true);
        }
    }

    /// <inheritdoc />
    public override ValueTask<Asset?> GetAssetAsync(string assetId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(assetId);
        lock (_gate)
        {
            return new(_assets.GetValueOrDefault(assetId));
        }
    }

    /// <inheritdoc />
    public override ValueTask<Asset?> CompleteAssetAsync(string assetId, long size, string sha256, DateTimeOffset completedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(assetId);
        ArgumentNullException.ThrowIfNull(sha256);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (!_assets.TryGetValue(assetId, out var asset) || asset.Status != AssetStatus.Pending)
            {
                return new((Asset?)null);
            }

            var ready = AssetCopy.With(asset, size: size, sha256: sha256, status: AssetStatus.Ready, expiresAt: null, completedAt: completedAt);
            _assets[assetId] = ready;
            return new(ready);
        }
    }

    /// <inheritdoc />
    public override ValueTask<Asset?> MoveAssetAsync(string assetId, string folder, string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(assetId);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (!_assets.TryGetValue(assetId, out var asset) || asset.Status != AssetStatus.Ready)
            {
                return new((Asset?)null);
            }

            RequireFolder(asset.Scope, folder);
            var moved = AssetCopy.With(asset, folder: folder, name: name);
            _assets[assetId] = moved;
            return new(moved);
        }
    }

    /// <summary>Refuses a write into a folder that does not exist (under the store's lock, as the write).</summary>
    private void RequireFolder(AssetScope scope, string folder)
    {
        if (folder != AssetNames.Root && !_folders.ContainsKey((scope, folder)))
        {
            throw new NotFoundException($"Folder '{folder}' does not exist in {scope}.");
        }
    }

    /// <inheritdoc />
    public override ValueTask<bool> MarkAssetDeletingAsync(string assetId, AssetStatus? expected, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(assetId);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (!_assets.TryGetValue(assetId, out var asset) || asset.Status == AssetStatus.Deleting || (expected is { } status && asset.Status != status))
            {
                return new(false);
            }

            _assets[assetId] = AssetCopy.With(asset, status: AssetStatus.Deleting);
            return new(true);
        }
    }

    /// <inheritdoc />
    public override ValueTask<bool> RemoveAssetAsync(string assetId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(assetId);
        lock (_gate)
        {
            return new(_assets.Remove(assetId));
        }
    }

    /// <inheritdoc />
    public override ValueTask<IReadOnlyList<Asset>> GetAssetsToSweepAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            IReadOnlyList<Asset> due = _assets.Values
                .Where(a => a.Status == AssetStatus.Deleting || (a.Status == AssetStatus.Pending && a.ExpiresAt <= now))
                .OrderBy(a => a.CreatedAt).ThenBy(a => a.Id, StringComparer.Ordinal)
                .Take(limit)
                .ToArray();
            return new(due);
        }
    }

    /// <inheritdoc />
    public override ValueTask<IReadOnlyList<Asset>> ListAssetsAsync(AssetScope scope, string folder, string? afterName, string? afterId, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(folder);
        lock (_gate)
        {
            IReadOnlyList<Asset> page = _assets.Values
                .Where(a => a.Scope == scope && a.Status == AssetStatus.Ready && string.Equals(a.Folder, folder, StringComparison.Ordinal))
                .Where(a => afterName is null || AfterPosition(a, afterName, afterId ?? string.Empty))
                .OrderBy(a => a.Name, StringComparer.Ordinal).ThenBy(a => a.Id, StringComparer.Ordinal)
                .Take(limit)
                .ToArray();
            return new(page);
        }

        static bool AfterPosition(Asset a, string name, string id)
        {
            var c = string.CompareOrdinal(a.Name, name);
            return c > 0 || (c == 0 && string.CompareOrdinal(a.Id, id) > 0);
        }
    }

    /// <inheritdoc />
    public override ValueTask<bool> CreateAssetFolderAsync(AssetFolder folder, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(folder);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var parent = AssetNames.Parent(folder.Path);
            if (parent != AssetNames.Root && !_folders.ContainsKey((folder.Scope, parent)))
            {
                throw new NotFoundException($"Folder '{parent}' does not exist in {folder.Scope}.");
            }

            return new(_folders.TryAdd((folder.Scope, folder.Path), folder));
        }
    }

    /// <inheritdoc />
    public override ValueTask<AssetFolder?> GetAssetFolderAsync(AssetScope scope, string path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(path);
        lock (_gate)
        {
            return new(_folders.GetValueOrDefault((scope, path)));
        }
    }

    /// <inheritdoc />
    public override ValueTask<IReadOnlyList<AssetFolder>> ListAssetFoldersAsync(AssetScope scope, string parent, string? afterPath, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parent);
        lock (_gate)
        {
            IReadOnlyList<AssetFolder> page = _folders.Values
                .Where(f => f.Scope == scope && string.Equals(AssetNames.Parent(f.Path), parent, StringComparison.Ordinal) && f.Path != AssetNames.Root)
                .Where(f => afterPath is null || string.CompareOrdinal(f.Path, afterPath) > 0)
                .OrderBy(f => f.Path, StringComparer.Ordinal)
                .Take(limit)
                .ToArray();
            return new(page);
        }
    }

    /// <inheritdoc />
    public override ValueTask<bool> MoveAssetFolderAsync(AssetScope scope, string path, string newPath, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(newPath);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (!_folders.ContainsKey((scope, path)))
            {
                return new(false);
            }

            if (_folders.ContainsKey((scope, newPath)))
            {
                throw new ConflictException($"Folder '{newPath}' already exists in {scope}.");
            }

            var parent = AssetNames.Parent(newPath);
            if (parent != AssetNames.Root && !_folders.ContainsKey((scope, parent)))
            {
                throw new NotFoundException($"Folder '{parent}' does not exist in {scope}.");
            }

            foreach (var folder in _folders.Values.Where(f => f.Scope == scope && AssetNames.IsWithin(f.Path, path)).ToArray())
            {
                _folders.Remove((scope, folder.Path));
                var moved = newPath + folder.Path[path.Length..];
                _folders.Add((scope, moved), new AssetFolder { Scope = scope, Path = moved, CreatedBy = folder.CreatedBy, CreatedAt = folder.CreatedAt });
            }

            foreach (var asset in _assets.Values.Where(a => a.Scope == scope && AssetNames.IsWithin(a.Folder, path)).ToArray())
            {
                _assets[asset.Id] = AssetCopy.With(asset, folder: newPath + asset.Folder[path.Length..]);
            }

            return new(true);
        }
    }

    /// <inheritdoc />
    public override ValueTask<int> DeleteAssetFolderAsync(AssetScope scope, string path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(path);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (!_folders.ContainsKey((scope, path)))
            {
                return new(-1);
            }

            foreach (var folder in _folders.Keys.Where(k => k.Scope == scope && AssetNames.IsWithin(k.Path, path)).ToArray())
            {
                _folders.Remove(folder);
            }

            var count = 0;
            foreach (var asset in _assets.Values.Where(a => a.Scope == scope && a.Status != AssetStatus.Deleting && AssetNames.IsWithin(a.Folder, path)).ToArray())
            {
                _assets[asset.Id] = AssetCopy.With(asset, status: AssetStatus.Deleting);
                count++;
            }

            return new(count);
        }
    }
}
