namespace Conversations;

/// <summary>What to reserve before uploading a file.</summary>
public sealed class BeginUploadRequest
{
    /// <summary>Gets or sets the space to upload into; <see langword="null"/> for the caller's own space.</summary>
    public AssetScope? Scope { get; set; }

    /// <summary>Gets or sets the folder path; missing folders are created.</summary>
    /// <value>The default value is <c>/</c>.</value>
    public string Folder { get; set; } = "/";

    /// <summary>Gets or sets the file name.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>Gets or sets the media type, such as <c>image/png</c>. The first bytes are checked against it.</summary>
    public string MediaType { get; set; } = string.Empty;

    /// <summary>Gets or sets the exact size in bytes. The upload is refused if the bytes that arrive differ.</summary>
    public long Size { get; set; }

    /// <summary>Gets or sets the lower-case hex SHA-256 of the bytes, if known; checked when the upload completes.</summary>
    public string? Sha256 { get; set; }
}
