namespace Conversations;

/// <summary>A file or media item referenced by a message. The content itself lives outside the library.</summary>
public sealed class Attachment
{
    /// <summary>Gets the file name shown to people.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the media type, such as <c>image/png</c>.</summary>
    public required string MediaType { get; init; }

    /// <summary>Gets the size in bytes.</summary>
    public long Size { get; init; }

    /// <summary>Gets where the content can be fetched: a URL or a host-defined reference.</summary>
    public required string Reference { get; init; }
}
