namespace Conversations.Storage;

/// <summary>How a download URL serves an object.</summary>
/// <param name="FileName">The file name for <c>Content-Disposition</c>.</param>
/// <param name="ContentType">The content type to serve.</param>
/// <param name="Inline">Whether the browser may display it (<c>inline</c>) rather than save it (<c>attachment</c>).</param>
/// <param name="ExpiresAt">When the URL stops working.</param>
public readonly record struct BlobDownload(string FileName, string ContentType, bool Inline, DateTimeOffset ExpiresAt);
