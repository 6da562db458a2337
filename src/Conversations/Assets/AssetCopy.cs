namespace Conversations.Internal;

/// <summary>Copies an asset with some fields replaced: <see cref="Asset"/> is immutable and not a record.</summary>
internal static class AssetCopy
{
    public static Asset With(
        Asset a,
        string? folder = null,
        string? name = null,
        long? size = null,
        string? sha256 = null,
        AssetStatus? status = null,
        MessageCopy.Optional<DateTimeOffset?> expiresAt = default,
        DateTimeOffset? completedAt = null) => new()
    {
        Id = a.Id,
        Scope = a.Scope,
        Folder = folder ?? a.Folder,
        Name = name ?? a.Name,
        MediaType = a.MediaType,
        Size = size ?? a.Size,
        Sha256 = sha256 ?? a.Sha256,
        UploadedBy = a.UploadedBy,
        UploaderKind = a.UploaderKind,
        Status = status ?? a.Status,
        CreatedAt = a.CreatedAt,
        ExpiresAt = expiresAt.HasValue ? expiresAt.Value : a.ExpiresAt,
        CompletedAt = completedAt ?? a.CompletedAt,
    };
}
