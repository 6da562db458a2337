namespace Conversations;

/// <summary>A page of a folder: its sub-folders first, then its ready assets, each by name.</summary>
public sealed class AssetListing
{
    /// <summary>Gets the sub-folders on this page.</summary>
    public required IReadOnlyList<AssetFolder> Folders { get; init; }

    /// <summary>Gets the assets on this page.</summary>
    public required IReadOnlyList<Asset> Assets { get; init; }

    /// <summary>Gets the cursor of the next page, or <see langword="null"/> when this is the last.</summary>
    public string? NextCursor { get; init; }
}
