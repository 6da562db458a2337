using System.Text.Json;
using System.Text.Json.Serialization;

namespace Conversations;

/// <summary>One entry in a conversation.</summary>
public sealed class Message
{
    /// <summary>Gets the message's identifier.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the room the message belongs to.</summary>
    public required string RoomId { get; init; }

    /// <summary>Gets the conversation the message belongs to.</summary>
    public required string ConversationId { get; init; }

    /// <summary>
    /// Gets the sequence number the message was posted at: its position in the conversation's history.
    /// </summary>
    public required long Sequence { get; init; }

    /// <summary>
    /// Gets the sequence number of the latest change to the message (posted, edited, completed or deleted).
    /// Equal to <see cref="Sequence"/> until the message changes.
    /// </summary>
    public required long LastSequence { get; init; }

    /// <summary>Gets the sender's account identifier.</summary>
    public required string SenderId { get; init; }

    /// <summary>Gets the sender's account kind.</summary>
    public required AccountKind SenderKind { get; init; }

    /// <summary>Gets the text. Empty when the message carries only attachments or data, or was deleted.</summary>
    public string Text { get; init; } = string.Empty;

    /// <summary>Gets how <see cref="Text"/> is to be rendered. Left out of JSON when <see cref="MessageFormat.Plain"/>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public MessageFormat Format { get; init; }

    /// <summary>Gets the attachments.</summary>
    public IReadOnlyList<Attachment> Attachments { get; init; } = [];

    /// <summary>Gets structured data carried with the message, if any.</summary>
    public JsonElement? Data { get; init; }

    /// <summary>Gets the identifier of the message this one replies to, if any.</summary>
    public string? ReplyToId { get; init; }

    /// <summary>Gets the sender-chosen identifier that makes posting idempotent, if one was given.</summary>
    public string? ClientMessageId { get; init; }

    /// <summary>Gets the message's lifecycle state.</summary>
    public MessageStatus Status { get; init; }

    /// <summary>Gets when the message was posted.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets when the message was last edited, if ever.</summary>
    public DateTimeOffset? EditedAt { get; init; }

    /// <summary>Gets when the message was deleted, if it was. A deleted message keeps its place but loses its content.</summary>
    public DateTimeOffset? DeletedAt { get; init; }

    /// <summary>
    /// Gets the agent-chain depth the message was posted at: 0 when a person (or the host) posted it, one more for each
    /// agent reply in between. Stored with the message; a message deeper than
    /// <c>ConversationsOptions.MaxAgentChainDepth</c> triggers no agents.
    /// Left out of JSON when 0.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int ChainDepth { get; init; }

    /// <summary>Gets a value indicating whether the message was deleted (<see cref="DeletedAt"/> is set; not part of the JSON).</summary>
    [JsonIgnore]
    public bool IsDeleted => DeletedAt is not null;
}
