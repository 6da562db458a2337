using System.Text.Json;

namespace Conversations;

/// <summary>What to post. A message needs text, an attachment or data.</summary>
public sealed class PostMessageRequest
{
    /// <summary>Gets the text.</summary>
    public string Text { get; set; } = string.Empty;

    /// <summary>Gets how the text is rendered.</summary>
    /// <value>The default value is <see cref="MessageFormat.Plain"/>.</value>
    public MessageFormat Format { get; set; }

    /// <summary>Gets the attachments.</summary>
    public IReadOnlyList<Attachment> Attachments { get; set; } = [];

    /// <summary>Gets structured data; must be a JSON object or array.</summary>
    public JsonElement? Data { get; set; }

    /// <summary>Gets the identifier of the message this one replies to.</summary>
    public string? ReplyToId { get; set; }

    /// <summary>
    /// Gets the sender's own identifier for this message. Posting again with the same identifier returns the
    /// first message and publishes nothing, so a retry after a lost acknowledgement is safe.
    /// </summary>
    public string? ClientMessageId { get; set; }
}
