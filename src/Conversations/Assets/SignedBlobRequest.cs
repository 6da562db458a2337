namespace Conversations;

/// <summary>A verified request to the file-system store's endpoint: what the signature allows.</summary>
public sealed class SignedBlobRequest
{
    /// <summary>Gets the operation: <c>put</c> or <c>get</c>.</summary>
    public required string Operation { get; init; }

    /// <summary>Gets the object key.</summary>
    public required string Key { get; init; }

    /// <summary>Gets the content type to store or serve.</summary>
    public required string ContentType { get; init; }

    /// <summary>Gets, for <c>put</c>, the declared size in bytes.</summary>
    public long Size { get; init; }

    /// <summary>Gets, for <c>get</c>, the file name to serve under.</summary>
    public string FileName { get; init; } = string.Empty;

    /// <summary>Gets, for <c>get</c>, whether the content may be displayed inline.</summary>
    public bool Inline { get; init; }
}
