namespace Conversations.Storage;

/// <summary>What a presigned upload may store.</summary>
/// <param name="ContentType">The declared content type; signed where the store can sign it.</param>
/// <param name="Size">The declared size in bytes.</param>
/// <param name="ExpiresAt">When the request stops working.</param>
public readonly record struct BlobUpload(string ContentType, long Size, DateTimeOffset ExpiresAt);
