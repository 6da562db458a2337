namespace Conversations.Storage;

// Asset and folder members. Virtual, so stores written before assets existed keep compiling; a store that
// supports assets overrides all of them and passes AssetStoreConformanceTests.
public abstract partial class ConversationStore
{
    /// <summary>Gets a value indicating whether this store keeps assets (overrides the asset members).</summary>
    public virtual bool SupportsAssets => false;

    /// <summary>
    /// Stores a pending asset if its folder exists (or is the top) and the space's pending and ready assets, with this one,
    /// stay within <paramref name="quotaBytes"/>; checked and written atomically, so an asset never lands in a folder
    /// deleted at the same moment. Creates no folders.
    /// </summary>
    /// <param name="asset">The pending asset; <see cref="Asset.Size"/> is the declared size.</param>
    /// <param name="quotaBytes">The most bytes the space may hold.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests.</param>
    /// <returns><see langword="false"/> when the quota would be exceeded (nothing is stored).</returns>
    /// <exception cref="NotFoundException">The asset's folder does not exist (nothing is stored).</exception>
    public virtual ValueTask<bool> ReserveAssetAsync(Asset asset, long quotaBytes, CancellationToken cancellationToken) => throw NotSupported();

    /// <summary>Gets an asset in any status.</summary>
    /// <param name="assetId">The asset.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests.</param>
    /// <returns>The asset, or <see langword="null"/>.</returns>
    public virtual ValueTask<Asset?> GetAssetAsync(string assetId, CancellationToken cancellationToken) => throw NotSupported();

    /// <summary>
    /// Marks a pending asset ready with its measured size and hash, clearing its expiry. Only a
    /// <see cref="AssetStatus.Pending"/> asset changes.
    /// </summary>
    /// <param name="assetId">The asset.</param>
    /// <param name="size">The measured size.</param>
    /// <param name="sha256">The lower-case hex SHA-256.</param>
    /// <param name="completedAt">When it was completed.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests.</param>
    /// <returns>The ready asset, or <see langword="null"/> when it is missing or not pending.</returns>
    public virtual ValueTask<Asset?> CompleteAssetAsync(string assetId, long size, string sha256, DateTimeOffset completedAt, CancellationToken cancellationToken) => throw NotSupported();

    /// <summary>
    /// Changes a ready asset's folder and name; the folder must exist (or be the top), checked atomically with the change.
    /// Creates no folders.
    /// </summary>
    /// <param name="assetId">The asset.</param>
    /// <param name="folder">The new folder path.</param>
    /// <param name="name">The new name.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests.</param>
    /// <returns>The asset after the change, or <see langword="null"/> when it is missing or not ready.</returns>
    /// <exception cref="NotFoundException">The folder does not exist (nothing changes).</exception>
    public virtual ValueTask<Asset?> MoveAssetAsync(string assetId, string folder, string name, CancellationToken cancellationToken) => throw NotSupported();

    /// <summary>
    /// Marks an asset <see cref="AssetStatus.Deleting"/>, when its status is <paramref name="expected"/> (or, for
    /// <see langword="null"/>, anything but deleting). From then on it is unreadable; the sweeper removes its bytes and record.
    /// </summary>
    /// <param name="assetId">The asset.</param>
    /// <param name="expected">The status the asset must have, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests.</param>
    /// <returns><see langword="true"/> when this call marked it.</returns>
    public virtual ValueTask<bool> MarkAssetDeletingAsync(string assetId, AssetStatus? expected, CancellationToken cancellationToken) => throw NotSupported();

    /// <summary>Removes an asset's record for good (after its bytes were deleted).</summary>
    /// <param name="assetId">The asset.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests.</param>
    /// <returns><see langword="false"/> when there was no such record.</returns>
    public virtual ValueTask<bool> RemoveAssetAsync(string assetId, CancellationToken cancellationToken) => throw NotSupported();

    /// <summary>
    /// Lists up to <paramref name="limit"/> assets the sweeper owes work: pending ones whose
    /// <see cref="Asset.ExpiresAt"/> is at or before <paramref name="now"/>, and deleting ones. Oldest first.
    /// </summary>
    /// <param name="now">The current time.</param>
    /// <param name="limit">The most to return.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests.</param>
    /// <returns>The assets.</returns>
    public virtual ValueTask<IReadOnlyList<Asset>> GetAssetsToSweepAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken) => throw NotSupported();

    /// <summary>
    /// Lists the ready assets directly in a folder, ordered by name then id (ordinal), after the given position.
    /// </summary>
    /// <param name="scope">The space.</param>
    /// <param name="folder">The folder path.</param>
    /// <param name="afterName">The name of the last asset of the previous page, or <see langword="null"/>.</param>
    /// <param name="afterId">The id of the last asset of the previous page, or <see langword="null"/>.</param>
    /// <param name="limit">The most to return.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests.</param>
    /// <returns>The assets.</returns>
    public virtual ValueTask<IReadOnlyList<Asset>> ListAssetsAsync(AssetScope scope, string folder, string? afterName, string? afterId, int limit, CancellationToken cancellationToken) => throw NotSupported();

    /// <summary>
    /// Stores a folder whose parent exists (or is the top), checked atomically with the write: a folder created while one
    /// of its ancestors is deleted is either refused or deleted with it, never left behind.
    /// </summary>
    /// <param name="folder">The folder.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests.</param>
    /// <returns><see langword="false"/> when the folder already exists (nothing changes).</returns>
    /// <exception cref="NotFoundException">The parent does not exist (nothing changes).</exception>
    public virtual ValueTask<bool> CreateAssetFolderAsync(AssetFolder folder, CancellationToken cancellationToken) => throw NotSupported();

    /// <summary>Gets a folder.</summary>
    /// <param name="scope">The space.</param>
    /// <param name="path">The folder path.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests.</param>
    /// <returns>The folder, or <see langword="null"/>.</returns>
    public virtual ValueTask<AssetFolder?> GetAssetFolderAsync(AssetScope scope, string path, CancellationToken cancellationToken) => throw NotSupported();

    /// <summary>Lists the folders directly inside a folder, ordered by path (ordinal), after the given path.</summary>
    /// <param name="scope">The space.</param>
    /// <param name="parent">The parent folder path.</param>
    /// <param name="afterPath">The path of the last folder of the previous page, or <see langword="null"/>.</param>
    /// <param name="limit">The most to return.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests.</param>
    /// <returns>The folders.</returns>
    public virtual ValueTask<IReadOnlyList<AssetFolder>> ListAssetFoldersAsync(AssetScope scope, string parent, string? afterPath, int limit, CancellationToken cancellationToken) => throw NotSupported();

    /// <summary>
    /// Moves a folder, its sub-folders and its assets (any status) to a new path, atomically. The new path's parent must
    /// exist (or be the top) and the new path must not; a folder moved under one that is deleted at the same moment is
    /// either refused or deleted with it.
    /// </summary>
    /// <param name="scope">The space.</param>
    /// <param name="path">The folder path.</param>
    /// <param name="newPath">The new path, not inside <paramref name="path"/>.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests.</param>
    /// <returns><see langword="false"/> when the folder does not exist.</returns>
    /// <exception cref="ConflictException">A folder exists at <paramref name="newPath"/>.</exception>
    /// <exception cref="NotFoundException">The new path's parent does not exist (nothing changes).</exception>
    public virtual ValueTask<bool> MoveAssetFolderAsync(AssetScope scope, string path, string newPath, CancellationToken cancellationToken) => throw NotSupported();

    /// <summary>
    /// Deletes a folder and its sub-folders, and marks every asset in them <see cref="AssetStatus.Deleting"/>, atomically.
    /// </summary>
    /// <param name="scope">The space.</param>
    /// <param name="path">The folder path (not <c>/</c>).</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests.</param>
    /// <returns>How many assets were marked, or -1 when the folder does not exist.</returns>
    public virtual ValueTask<int> DeleteAssetFolderAsync(AssetScope scope, string path, CancellationToken cancellationToken) => throw NotSupported();

    private NotSupportedException NotSupported() =>
        new($"{GetType().Name} does not store assets. Use a store that does (in-memory, SQLite) or override the asset members of ConversationStore.");
}
