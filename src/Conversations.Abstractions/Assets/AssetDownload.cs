namespace Conversations;

/// <summary>A short-lived link to an asset's bytes, handed out after an access check.</summary>
public sealed class AssetDownload
{
    /// <summary>Gets the asset.</summary>
    public required Asset Asset { get; init; }

    /// <summary>Gets the URL (absolute, or relative to the Conversations host).</summary>
    public required string Url { get; init; }

    /// <summary>Gets when the URL stops working.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>Gets a value indicating whether the bytes are served for display (<c>inline</c>) rather than as a download.</summary>
    public bool Inline { get; init; }
}
