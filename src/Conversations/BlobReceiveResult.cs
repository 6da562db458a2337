namespace Conversations;

/// <summary>What became of a body sent to the file-system store's upload endpoint.</summary>
public enum BlobReceiveResult
{
    /// <summary>The bytes were stored.</summary>
    Stored = 0,

    /// <summary>An object was already stored at the key; nothing changed.</summary>
    AlreadyExists = 1,

    /// <summary>The body was longer than the declared size; nothing was stored.</summary>
    TooLarge = 2,

    /// <summary>The body was shorter than the declared size; nothing was stored.</summary>
    SizeMismatch = 3,
}
