namespace Conversations;

/// <summary>
/// A short view of a message for lists such as the inbox: who wrote what and when, with the text cut to
/// <c>ConversationsOptions.InboxPreviewLength</c> characters.
/// </summary>
public sealed class MessagePreview
{
    /// <summary>Gets the message's identifier.</summary>
    public required string MessageId { get; init; }

    /// <summary>Gets the conversation the message belongs to.</summary>
    public required string ConversationId { get; init; }

    /// <summary>Gets the sequence the message was posted at.</summary>
    public required long Sequence { get; init; }

    /// <summary>Gets the sender's account identifier.</summary>
    public required string SenderId { get; init; }

    /// <summary>Gets the sender's account kind.</summary>
    public required AccountKind SenderKind { get; init; }

    /// <summary>Gets the start of the text (empty for a deleted message, or one without text).</summary>
    public string Text { get; init; } = string.Empty;

    /// <summary>Gets a value indicating whether <see cref="Text"/> was cut short.</summary>
    public bool IsTruncated { get; init; }

    /// <summary>Gets how the text is to be rendered.</summary>
    public MessageFormat Format { get; init; }

    /// <summary>Gets the message's status (a streaming message shows the text it had at its last change).</summary>
    public MessageStatus Status { get; init; }

    /// <summary>Gets how many attachments the message carries.</summary>
    public int AttachmentCount { get; init; }

    /// <summary>Gets when the message was posted.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets when the message was last edited, if ever.</summary>
    public DateTimeOffset? EditedAt { get; init; }

    /// <summary>Gets when the message was deleted, if it was.</summary>
    public DateTimeOffset? DeletedAt { get; init; }
}
