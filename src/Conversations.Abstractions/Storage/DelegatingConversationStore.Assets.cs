namespace Conversations.Storage;

// The asset and folder members, forwarded like the rest.
public partial class DelegatingConversationStore
{
    /// <inheritdoc />
    public override bool SupportsAssets => InnerStore.SupportsAssets;

    /// <inheritdoc />
    public override ValueTask<bool> ReserveAssetAsync(Asset asset, long quotaBytes, CancellationToken cancellationToken) => InnerStore.ReserveAssetAsync(asset, quotaBytes, cancellationToken);

    /// <inheritdoc />
    public override ValueTask<Asset?> GetAssetAsync(string assetId, CancellationToken cancellationToken) => InnerStore.GetAssetAsync(assetId, cancellationToken);

    /// <inheritdoc />
    public override ValueTask<Asset?> CompleteAssetAsync(string assetId, long size, string sha256, DateTimeOffset completedAt, CancellationToken cancellationToken) => InnerStore.CompleteAssetAsync(assetId, size, sha256, completedAt, cancellationToken);

    /// <inheritdoc />
    public override ValueTask<Asset?> MoveAssetAsync(string assetId, string folder, string name, CancellationToken cancellationToken) => InnerStore.MoveAssetAsync(assetId, folder, name, cancellationToken);

    /// <inheritdoc />
    public override ValueTask<bool> MarkAssetDeletingAsync(string assetId, AssetStatus? expected, CancellationToken cancellationToken) => InnerStore.MarkAssetDeletingAsync(assetId, expected, cancellationToken);

    /// <inheritdoc />
    public override ValueTask<bool> RemoveAssetAsync(string assetId, CancellationToken cancellationToken) => InnerStore.RemoveAssetAsync(assetId, cancellationToken);

    /// <inheritdoc />
    public override ValueTask<IReadOnlyList<Asset>> GetAssetsToSweepAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken) => InnerStore.GetAssetsToSweepAsync(now, limit, cancellationToken);

    /// <inheritdoc />
    public override ValueTask<IReadOnlyList<Asset>> ListAssetsAsync(AssetScope scope, string folder, string? afterName, string? afterId, int limit, CancellationToken cancellationToken) => InnerStore.ListAssetsAsync(scope, folder, afterName, afterId, limit, cancellationToken);

    /// <inheritdoc />
    public override ValueTask<bool> CreateAssetFolderAsync(AssetFolder folder, CancellationToken cancellationToken) => InnerStore.CreateAssetFolderAsync(folder, cancellationToken);

    /// <inheritdoc />
    public override ValueTask<AssetFolder?> GetAssetFolderAsync(AssetScope scope, string path, CancellationToken cancellationToken) => InnerStore.GetAssetFolderAsync(scope, path, cancellationToken);

    /// <inheritdoc />
    public override ValueTask<IReadOnlyList<AssetFolder>> ListAssetFoldersAsync(AssetScope scope, string parent, string? afterPath, int limit, CancellationToken cancellationToken) => InnerStore.ListAssetFoldersAsync(scope, parent, afterPath, limit, cancellationToken);

    /// <inheritdoc />
    public override ValueTask<bool> MoveAssetFolderAsync(AssetScope scope, string path, string newPath, CancellationToken cancellationToken) => InnerStore.MoveAssetFolderAsync(scope, path, newPath, cancellationToken);

    /// <inheritdoc />
    public override ValueTask<int> DeleteAssetFolderAsync(AssetScope scope, string path, CancellationToken cancellationToken) => InnerStore.DeleteAssetFolderAsync(scope, path, cancellationToken);
}
