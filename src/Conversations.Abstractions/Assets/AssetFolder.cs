namespace Conversations;

/// <summary>A folder in an asset space.</summary>
public sealed class AssetFolder
{
    /// <summary>Gets the space the folder belongs to.</summary>
    public required AssetScope Scope { get; init; }

    /// <summary>Gets the folder's path, such as <c>/reports/2026</c>.</summary>
    public required string Path { get; init; }

    /// <summary>Gets the folder's own name: the last segment of <see cref="Path"/>.</summary>
    public string Name => Path[(Path.LastIndexOf('/') + 1)..];

    /// <summary>Gets the account that created the folder.</summary>
    public required string CreatedBy { get; init; }

    /// <summary>Gets when the folder was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }
}
