namespace Conversations;

/// <summary>Uploads, reads and removes assets (files and media) in room libraries and personal spaces.</summary>
/// <remarks>
/// <para>
/// Access: a room's participants read its library, members (and agents with member rights) upload, admins and owners
/// manage folders and delete anyone's files, uploaders delete their own. An account's own space is its alone. An asset
/// from someone's own space attached to a message is readable by that room's participants while the message exists:
/// name the message with a <see cref="MessageRef"/>.
/// </para>
/// <para>
/// Every read checks access at the moment of the call; the URLs handed out are short-lived. Implementations are
/// thread-safe.
/// </para>
/// </remarks>
public interface IAssetService
{
    /// <summary>
    /// Reserves an upload: checks access, the declared size and media type and the space's quota, stores a pending
    /// asset, and returns a presigned request that puts the bytes straight into storage.
    /// </summary>
    /// <param name="caller">The uploader.</param>
    /// <param name="request">The file to reserve.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The pending asset and its upload request.</returns>
    /// <exception cref="ForbiddenException">The caller may not upload into the space.</exception>
    /// <exception cref="LimitExceededException">The size exceeds the limit or the space's quota.</exception>
    /// <exception cref="InvalidArgumentException">The name, folder or media type is not valid or not allowed.</exception>
    Task<UploadTicket> BeginUploadAsync(Account caller, BeginUploadRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Completes an upload: measures the stored bytes, checks their size, SHA-256 (when one was declared) and first bytes
    /// against the reservation, and marks the asset ready. A check that fails deletes the bytes and the reservation.
    /// </summary>
    /// <param name="caller">The uploader.</param>
    /// <param name="assetId">The pending asset.</param>
    /// <param name="sha256">The lower-case hex SHA-256 of the bytes, if the caller knows it only now.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The ready asset. Completing a ready asset again returns it unchanged.</returns>
    /// <exception cref="ConflictException">The bytes have not arrived.</exception>
    /// <exception cref="InvalidArgumentException">The bytes do not match the reservation (they are deleted).</exception>
    Task<Asset> CompleteUploadAsync(Account caller, string assetId, string? sha256 = null, CancellationToken cancellationToken = default);

    /// <summary>Uploads bytes held by the caller (an agent's generated file, a host import) in one call.</summary>
    /// <param name="caller">The uploader.</param>
    /// <param name="request">The file; <see cref="BeginUploadRequest.Size"/> must be the length of <paramref name="content"/>.</param>
    /// <param name="content">The bytes.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The ready asset.</returns>
    Task<Asset> UploadAsync(Account caller, BeginUploadRequest request, Stream content, CancellationToken cancellationToken = default);

    /// <summary>Gets an asset's metadata.</summary>
    /// <param name="caller">The account asking.</param>
    /// <param name="assetId">The asset.</param>
    /// <param name="via">The message the caller reaches the asset through, if it is not in a space the caller can read.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The asset.</returns>
    /// <exception cref="NotFoundException">No such asset (or it is being deleted).</exception>
    /// <exception cref="ForbiddenException">The caller may not read it.</exception>
    Task<Asset> GetAsync(Account caller, string assetId, MessageRef? via = null, CancellationToken cancellationToken = default);

    /// <summary>Checks access and returns a fresh short-lived download URL.</summary>
    /// <param name="caller">The account asking.</param>
    /// <param name="assetId">The asset.</param>
    /// <param name="via">The message the caller reaches the asset through, if any.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The link.</returns>
    /// <exception cref="ConflictException">The asset is still pending.</exception>
    Task<AssetDownload> GetDownloadAsync(Account caller, string assetId, MessageRef? via = null, CancellationToken cancellationToken = default);

    /// <summary>Checks access and opens the bytes for reading (agents, host code).</summary>
    /// <param name="caller">The account asking.</param>
    /// <param name="assetId">The asset.</param>
    /// <param name="via">The message the caller reaches the asset through, if any.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The bytes; dispose the stream.</returns>
    Task<Stream> OpenReadAsync(Account caller, string assetId, MessageRef? via = null, CancellationToken cancellationToken = default);

    /// <summary>Moves or renames an asset within its space.</summary>
    /// <param name="caller">The uploader, or an admin or owner of the room.</param>
    /// <param name="assetId">The asset.</param>
    /// <param name="folder">The new folder; <see langword="null"/> to keep it. Missing folders are created.</param>
    /// <param name="name">The new name; <see langword="null"/> to keep it.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The asset after the change.</returns>
    Task<Asset> MoveAsync(Account caller, string assetId, string? folder, string? name, CancellationToken cancellationToken = default);

    /// <summary>Deletes an asset: it stops being readable at once, and its bytes are removed.</summary>
    /// <param name="caller">The uploader, or an admin or owner of the room.</param>
    /// <param name="assetId">The asset.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>A task that completes when the asset is no longer readable.</returns>
    Task DeleteAsync(Account caller, string assetId, CancellationToken cancellationToken = default);
}
