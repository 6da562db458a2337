namespace Conversations;

/// <summary>Lists and manages the folders of an asset space.</summary>
/// <remarks>
/// Folder paths are <c>/</c> or <c>/name/name</c>: each name NFC, without <c>/</c>, <c>\</c>, control characters, and
/// not <c>.</c> or <c>..</c>. In a room's library participants list, admins and owners manage folders (members may create
/// them); in an account's own space only its owner does anything. Implementations are thread-safe.
/// </remarks>
public interface IAssetFolderService
{
    /// <summary>Lists a folder: its sub-folders, then its ready assets, by name, one page at a time.</summary>
    /// <param name="caller">The account asking.</param>
    /// <param name="scope">The space.</param>
    /// <param name="query">The folder and page; <see langword="null"/> for the first page of the top folder.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The page.</returns>
    Task<AssetListing> ListAsync(Account caller, AssetScope scope, AssetListQuery? query = null, CancellationToken cancellationToken = default);

    /// <summary>Creates a folder and any missing parents.</summary>
    /// <param name="caller">The account asking.</param>
    /// <param name="scope">The space.</param>
    /// <param name="path">The folder's path.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The folder (the existing one, if it already existed).</returns>
    Task<AssetFolder> CreateFolderAsync(Account caller, AssetScope scope, string path, CancellationToken cancellationToken = default);

    /// <summary>Moves or renames a folder with everything in it. Moving a folder into itself is refused.</summary>
    /// <param name="caller">The account asking.</param>
    /// <param name="scope">The space.</param>
    /// <param name="path">The folder's path.</param>
    /// <param name="newPath">The new path; must not exist yet. Missing parents are created.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The folder at its new path.</returns>
    /// <exception cref="InvalidArgumentException">The new path is inside the folder, or a path is not valid.</exception>
    /// <exception cref="ConflictException">A folder already exists at the new path.</exception>
    Task<AssetFolder> MoveFolderAsync(Account caller, AssetScope scope, string path, string newPath, CancellationToken cancellationToken = default);

    /// <summary>Deletes a folder with its sub-folders and assets.</summary>
    /// <param name="caller">The account asking.</param>
    /// <param name="scope">The space.</param>
    /// <param name="path">The folder's path (not <c>/</c>).</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>How many assets were deleted.</returns>
    Task<int> DeleteFolderAsync(Account caller, AssetScope scope, string path, CancellationToken cancellationToken = default);
}
