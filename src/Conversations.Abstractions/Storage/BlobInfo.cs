namespace Conversations.Storage;

/// <summary>What a blob store knows of a stored object.</summary>
/// <param name="Size">The size in bytes.</param>
/// <param name="Sha256">The lower-case hex SHA-256 when the store computed it while storing, otherwise <see langword="null"/>.</param>
public readonly record struct BlobInfo(long Size, string? Sha256);
