namespace Conversations;

/// <summary>
/// The rates of the limited operations, for one scope (each account, or each connection). A <see langword="null"/> rule
/// leaves that operation unlimited in the scope.
/// </summary>
public sealed class RateLimitRules
{
    /// <summary>Gets or sets the rate of posted messages, stream starts included.</summary>
    public RateLimitRule? Posts { get; set; }

    /// <summary>Gets or sets the rate of chunks appended to streamed messages.</summary>
    public RateLimitRule? StreamAppends { get; set; }

    /// <summary>Gets or sets the rate of direct-room requests (get-or-create), whether or not a room is created.</summary>
    public RateLimitRule? DirectRooms { get; set; }

    /// <summary>
    /// Gets or sets the rate of asset uploads: each reserved upload (<see cref="IAssetService.BeginUploadAsync"/>, the
    /// <c>assets.upload.begin</c> command, <c>POST /assets/uploads</c>) and each one-shot <see cref="IAssetService.UploadAsync"/>.
    /// Completing an upload is not counted again.
    /// </summary>
    public RateLimitRule? Uploads { get; set; }
}
