namespace Conversations.Internal;

/// <summary>
/// An <see cref="IAssetService"/> that takes an upload permit before each upload (reserved or one-shot) and otherwise
/// passes every call through. A refused upload throws before anything is reserved, so it changes nothing.
/// </summary>
/// <remarks>
/// Compiled into the engine (per-account permits) and the ASP.NET Core endpoints (per-connection permits); the permit
/// source is the <paramref name="acquire"/> delegate. Completing an upload takes no permit: it finishes one already counted.
/// </remarks>
internal sealed class RateLimitedAssetService(IAssetService inner, Action<Account, RateLimitOperation> acquire) : IAssetService
{
    public Task<UploadTicket> BeginUploadAsync(Account caller, BeginUploadRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        acquire(caller, RateLimitOperation.Uploads);
        return inner.BeginUploadAsync(caller, request, cancellationToken);
    }

    public Task<Asset> UploadAsync(Account caller, BeginUploadRequest request, Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        acquire(caller, RateLimitOperation.Uploads);
        return inner.UploadAsync(caller, request, content, cancellationToken);
    }

    public Task<Asset> CompleteUploadAsync(Account caller, string assetId, string? sha256 = null, CancellationToken cancellationToken = default) =>
        inner.CompleteUploadAsync(caller, assetId, sha256, cancellationToken);

    public Task<Asset> GetAsync(Account caller, string assetId, MessageRef? via = null, CancellationToken cancellationToken = default) =>
        inner.GetAsync(caller, assetId, via, cancellationToken);

    public Task<AssetDownload> GetDownloadAsync(Account caller, string assetId, MessageRef? via = null, CancellationToken cancellationToken = default) =>
        inner.GetDownloadAsync(caller, assetId, via, cancellationToken);

    public Task<Stream> OpenReadAsync(Account caller, string assetId, MessageRef? via = null, CancellationToken cancellationToken = default) =>
        inner.OpenReadAsync(caller, assetId, via, cancellationToken);

    public Task<Asset> MoveAsync(Account caller, string assetId, string? folder, string? name, CancellationToken cancellationToken = default) =>
        inner.MoveAsync(caller, assetId, folder, name, cancellationToken);

    public Task DeleteAsync(Account caller, string assetId, CancellationToken cancellationToken = default) =>
        inner.DeleteAsync(caller, assetId, cancellationToken);
}
