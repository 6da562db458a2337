namespace Conversations;

/// <summary>An operation that <see cref="ConversationsRateLimitOptions"/> can limit.</summary>
public enum RateLimitOperation
{
    /// <summary>Posting a message, or starting a streamed one.</summary>
    Posts,

    /// <summary>Appending a chunk to a streamed message.</summary>
    StreamAppends,

    /// <summary>Asking for a direct room (get-or-create).</summary>
    DirectRooms,

    /// <summary>Uploading an asset.</summary>
    Uploads,
}
