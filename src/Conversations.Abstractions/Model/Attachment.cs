namespace Conversations;

/// <summary>
/// An asset carried by a message. A message holds the asset's id, never a URL: the bytes are reached through
/// <c>GET {prefix}/assets/{id}</c> (or <see cref="IAssetService.GetDownloadAsync"/>), which checks access on every request.
/// </summary>
/// <remarks>
/// When posting, only <see cref="AssetId"/> is read; the engine fills <see cref="Name"/>, <see cref="MediaType"/> and
/// <see cref="Size"/> from the stored asset, so a client cannot misdescribe a file.
/// </remarks>
public sealed class Attachment
{
    /// <summary>
    /// Gets the identifier of the <see cref="Asset"/>. Empty only for an attachment stored before assets existed,
    /// whose content cannot be reached.
    /// </summary>
    public string AssetId { get => field ?? string.Empty; init; }

    /// <summary>Gets the file name shown to people, as the asset had it when the message was posted.</summary>
    public string Name { get => field ?? string.Empty; init; }

    /// <summary>Gets the media type, such as <c>image/png</c>.</summary>
    public string MediaType { get => field ?? string.Empty; init; }

    /// <summary>Gets the size in bytes.</summary>
    public long Size { get; init; }

    /// <summary>Creates an attachment that refers to an asset; the engine fills in the rest when the message is posted.</summary>
    /// <param name="assetId">The asset's identifier.</param>
    /// <returns>The attachment.</returns>
    /// <exception cref="ArgumentException"><paramref name="assetId"/> is null, empty or white space.</exception>
    public static Attachment ForAsset(string assetId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(assetId);
        return new Attachment { AssetId = assetId };
    }
}
