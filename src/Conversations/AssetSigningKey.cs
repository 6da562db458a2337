namespace Conversations;

/// <summary>A key that signs asset URLs of the file-system store.</summary>
public sealed class AssetSigningKey
{
    /// <summary>Gets or sets the key's identifier, written into each URL it signs (letters, digits, '-' and '_').</summary>
    public required string Id { get; set; }

    /// <summary>Gets or sets the secret: at least 32 random bytes.</summary>
    public required byte[] Secret { get; set; }
}
