namespace Conversations;

/// <summary>A reserved upload: the pending asset and the request that puts its bytes into storage.</summary>
public sealed class UploadTicket
{
    /// <summary>Gets the pending asset.</summary>
    public required Asset Asset { get; init; }

    /// <summary>Gets the request to send the bytes with (a presigned <c>PUT</c>).</summary>
    public required PresignedRequest Upload { get; init; }
}
