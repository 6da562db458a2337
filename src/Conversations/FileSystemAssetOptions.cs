namespace Conversations;

/// <summary>Options of the file-system asset store (<see cref="FileSystemAssetBlobStore"/>).</summary>
public sealed class FileSystemAssetOptions
{
    /// <summary>Gets or sets the folder that holds the bytes. Created if missing.</summary>
    public string RootPath { get; set; } = string.Empty;

    /// <summary>
    /// Gets the keys that sign upload and download URLs (HMAC-SHA256). The first signs; all verify, so a key can be rotated
    /// by adding the new one first and removing the old one once its URLs have expired. When empty, a random key is
    /// created once in <c>{RootPath}/.signing-key</c> and shared by every process that uses the folder.
    /// </summary>
    public IList<AssetSigningKey> SigningKeys { get; } = [];

    /// <summary>
    /// Gets or sets the URL path (or absolute URL) under which the ASP.NET Core endpoint serves the bytes, such as
    /// <c>/conversations/blobs</c>. <see langword="null"/> lets <c>MapConversations</c> set it to <c>{prefix}/blobs</c>.
    /// </summary>
    public string? BaseUrl { get; set; }
}
