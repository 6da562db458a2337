using System.Text.Json;

namespace Conversations;

/// <summary>How to start a streamed message.</summary>
public sealed class StreamMessageRequest
{
    /// <summary>Gets how the text is rendered.</summary>
    /// <value>The default value is <see cref="MessageFormat.Plain"/>.</value>
    public MessageFormat Format { get; set; }

    /// <summary>Gets structured data; must be a JSON object or array.</summary>
    public JsonElement? Data { get; set; }

    /// <summary>Gets the identifier of the message this one replies to.</summary>
    public string? ReplyToId { get; set; }

    /// <summary>Gets the sender's own identifier, which makes starting the stream idempotent.</summary>
    public string? ClientMessageId { get; set; }
}
