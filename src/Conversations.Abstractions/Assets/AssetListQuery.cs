namespace Conversations;

/// <summary>Which page of a folder to list.</summary>
public sealed class AssetListQuery
{
    /// <summary>Gets or sets the folder path.</summary>
    /// <value>The default value is <c>/</c>.</value>
    public string Folder { get; set; } = "/";

    /// <summary>Gets or sets the cursor returned as <see cref="AssetListing.NextCursor"/> by the previous page.</summary>
    public string? Cursor { get; set; }

    /// <summary>Gets or sets the most entries (folders and assets together) to return.</summary>
    /// <value>The default value is 100.</value>
    public int Limit { get; set; } = 100;
}
