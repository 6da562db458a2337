namespace Conversations.Internal;

internal sealed partial class AssetService
{
    public async Task<AssetListing> ListAsync(Account caller, AssetScope scope, AssetListQuery? query = null, CancellationToken cancellationToken = default)
    {
        EngineCore.ValidateCaller(caller);
        query ??= new AssetListQuery();
        var scopeChecked = CheckScope(scope);
        var folder = AssetNames.Folder(query.Folder, _options.MaxNameLength, _options.MaxFolderDepth);
        if (query.Limit < 1 || query.Limit > _options.MaxPageSize)
        {
            throw new InvalidArgumentException($"The page size must be between 1 and {_options.MaxPageSize}.");
        }

        var cursor = ListCursor.Parse(query.Cursor);
        RequireAssets();
        await access.RequireListAsync(caller, scopeChecked, cancellationToken).ConfigureAwait(false);
        if (folder != AssetNames.Root && await Store.GetAssetFolderAsync(scopeChecked, folder, cancellationToken).ConfigureAwait(false) is null)
        {
            throw new NotFoundException($"Folder '{folder}' does not exist in {scopeChecked}.");
        }

        // Folders first, then assets; one extra of each tells whether more follow.
        IReadOnlyList<AssetFolder> folders = [];
        if (!cursor.InAssets)
        {
            folders = await Store.ListAssetFoldersAsync(scopeChecked, folder, cursor.FolderPath, query.Limit + 1, cancellationToken).ConfigureAwait(false);
            if (folders.Count > query.Limit)
            {
                folders = folders.Take(query.Limit).ToArray();
                return new AssetListing { Folders = folders, Assets = [], NextCursor = ListCursor.AfterFolder(folders[^1].Path) };
            }
        }

        var room = query.Limit - folders.Count;
        IReadOnlyList<Asset> assets = [];
        string? next = null;
        if (room > 0)
        {
            assets = await Store.ListAssetsAsync(scopeChecked, folder, cursor.AssetName, cursor.AssetId, room + 1, cancellationToken).ConfigureAwait(false);
            if (assets.Count > room)
            {
                assets = assets.Take(room).ToArray();
                next = ListCursor.AfterAsset(assets[^1].Name, assets[^1].Id);
            }
        }
        else if ((await Store.ListAssetsAsync(scopeChecked, folder, null, null, 1, cancellationToken).ConfigureAwait(false)).Count > 0)
        {
            // The folders filled the page: the next one starts with the assets, if there are any.
            next = ListCursor.AfterFolder(folders[^1].Path);
        }

        return new AssetListing { Folders = folders, Assets = assets, NextCursor = next };
    }

    public async Task<AssetFolder> CreateFolderAsync(Account caller, AssetScope scope, string path, CancellationToken cancellationToken = default)
    {
        EngineCore.ValidateCaller(caller);
        var scopeChecked = CheckScope(scope);
        var folder = AssetNames.Folder(path, _options.MaxNameLength, _options.MaxFolderDepth);
        if (folder == AssetNames.Root)
        {
            throw new InvalidArgumentException("The top folder '/' always exists.");
        }

        RequireAssets();
        await access.RequireWriteAsync(caller, scopeChecked, cancellationToken).ConfigureAwait(false);
        await EnsureFoldersAsync(caller, scopeChecked, folder, cancellationToken).ConfigureAwait(false);
        return await Store.GetAssetFolderAsync(scopeChecked, folder, cancellationToken).ConfigureAwait(false)
            ?? throw new ConflictException($"Folder '{folder}' was removed while it was being created.");
    }

    public async Task<AssetFolder> MoveFolderAsync(Account caller, AssetScope scope, string path, string newPath, CancellationToken cancellationToken = default)
    {
        EngineCore.ValidateCaller(caller);
        var scopeChecked = CheckScope(scope);
        var from = AssetNames.Folder(path, _options.MaxNameLength, _options.MaxFolderDepth);
        var to = AssetNames.Folder(newPath, _options.MaxNameLength, _options.MaxFolderDepth);
        if (from == AssetNames.Root || to == AssetNames.Root)
        {
            throw new InvalidArgumentException("The top folder '/' cannot be moved, and nothing can be moved onto it.");
        }

        if (AssetNames.IsWithin(to, from))
        {
            throw new InvalidArgumentException($"A folder cannot be moved into itself ('{from}' → '{to}').");
        }

        RequireAssets();
        await access.RequireManageAsync(caller, scopeChecked, cancellationToken).ConfigureAwait(false);
        if (await Store.GetAssetFolderAsync(scopeChecked, from, cancellationToken).ConfigureAwait(false) is null)
        {
            throw new NotFoundException($"Folder '{from}' does not exist in {scopeChecked}.");
        }

        await EnsureFoldersAsync(caller, scopeChecked, AssetNames.Parent(to), cancellationToken).ConfigureAwait(false);
        if (!await Store.MoveAssetFolderAsync(scopeChecked, from, to, cancellationToken).ConfigureAwait(false))
        {
            throw new NotFoundException($"Folder '{from}' does not exist in {scopeChecked}.");
        }

        return await Store.GetAssetFolderAsync(scopeChecked, to, cancellationToken).ConfigureAwait(false)
            ?? throw new ConflictException($"Folder '{to}' changed while it was being moved.");
    }

    public async Task<int> DeleteFolderAsync(Account caller, AssetScope scope, string path, CancellationToken cancellationToken = default)
    {
        EngineCore.ValidateCaller(caller);
        var scopeChecked = CheckScope(scope);
        var folder = AssetNames.Folder(path, _options.MaxNameLength, _options.MaxFolderDepth);
        if (folder == AssetNames.Root)
        {
            throw new InvalidArgumentException("The top folder '/' cannot be deleted.");
        }

        RequireAssets();
        await access.RequireManageAsync(caller, scopeChecked, cancellationToken).ConfigureAwait(false);
        var count = await Store.DeleteAssetFolderAsync(scopeChecked, folder, cancellationToken).ConfigureAwait(false);
        if (count < 0)
        {
            throw new NotFoundException($"Folder '{folder}' does not exist in {scopeChecked}.");
        }

        Log.FolderDeleted(logger, folder, scopeChecked.ToString(), count, caller.Id);
        return count;
    }

    /// <summary>Creates each missing folder from the top down to <paramref name="folder"/>.</summary>
    private async Task EnsureFoldersAsync(Account caller, AssetScope scope, string folder, CancellationToken cancellationToken)
    {
        foreach (var path in AssetNames.Chain(folder))
        {
            if (await Store.GetAssetFolderAsync(scope, path, cancellationToken).ConfigureAwait(false) is null)
            {
                await Store.CreateAssetFolderAsync(new AssetFolder { Scope = scope, Path = path, CreatedBy = caller.Id, CreatedAt = core.Now }, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private AssetScope CheckScope(AssetScope scope)
    {
        if (scope.IsEmpty)
        {
            throw new InvalidArgumentException("Name a scope: \"room:{roomId}\" or \"account:{accountId}\".");
        }

        core.ValidateId(scope.Id, "scope");
        return scope;
    }
}
