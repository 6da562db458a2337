namespace Conversations;

/// <summary>
/// A file's metadata. Its bytes live in an <see cref="Storage.AssetBlobStore"/> under a key derived from <see cref="Id"/>
/// (never from the file name) and are reached through short-lived signed URLs handed out after an access check.
/// </summary>
public sealed class Asset
{
    /// <summary>Gets the asset's identifier.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the space the asset belongs to.</summary>
    public required AssetScope Scope { get; init; }

    /// <summary>Gets the folder path, <c>/</c> for the top, otherwise <c>/name/name</c>.</summary>
    public string Folder { get; init; } = "/";

    /// <summary>Gets the file name (NFC, no path separators).</summary>
    public required string Name { get; init; }

    /// <summary>Gets the media type declared at upload and checked against the bytes.</summary>
    public required string MediaType { get; init; }

    /// <summary>Gets the size in bytes: declared while pending, measured once ready.</summary>
    public long Size { get; init; }

    /// <summary>
    /// Gets the lower-case hex SHA-256 of the bytes: while pending, the one declared when the upload began (or
    /// <see langword="null"/>); once ready, the hash of what arrived.
    /// </summary>
    public string? Sha256 { get; init; }

    /// <summary>Gets the uploader's account identifier.</summary>
    public required string UploadedBy { get; init; }

    /// <summary>Gets the uploader's account kind.</summary>
    public AccountKind UploaderKind { get; init; }

    /// <summary>Gets the asset's state.</summary>
    public AssetStatus Status { get; init; }

    /// <summary>Gets when the upload was begun.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets when a pending reservation lapses (and is swept); <see langword="null"/> once ready.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Gets when the upload was completed, if it was.</summary>
    public DateTimeOffset? CompletedAt { get; init; }
}
