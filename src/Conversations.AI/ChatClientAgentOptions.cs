using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.AI;

namespace Conversations;

/// <summary>How a chat-client agent talks to its model. Named options: the name is the agent's account id.</summary>
public sealed class ChatClientAgentOptions
{
    /// <summary>Gets or sets the system prompt sent before the history.</summary>
    /// <value>The default value is <see langword="null"/> (no system prompt).</value>
    public string? Instructions { get; set; }

    /// <summary>Gets or sets the most conversation messages sent to the model, newest kept.</summary>
    /// <value>The default value is 40.</value>
    [Range(1, 10_000)]
    public int MaxHistoryMessages { get; set; } = 40;

    /// <summary>
    /// Gets or sets an approximate budget for the history, in tokens (estimated as one token per four
    /// characters). The oldest messages are dropped until the history fits; the triggering message is always kept.
    /// </summary>
    /// <value>The default value is 8,000.</value>
    [Range(1, 10_000_000)]
    public int MaxHistoryTokens { get; set; } = 8_000;

    /// <summary>
    /// Gets or sets the chat options sent with every request: model id, temperature, maximum output tokens,
    /// and the tools (for example <see cref="AIFunction"/>s from <c>AIFunctionFactory.Create</c>) the model may call.
    /// </summary>
    public ChatOptions? ChatOptions { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether tool calls are run by the Microsoft.Extensions.AI
    /// function-invoking middleware. Turn it off when the client already invokes functions itself.
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool InvokeTools { get; set; } = true;

    /// <summary>Gets or sets how long one reply may take before it is cancelled and ends failed; <see langword="null"/> for no limit.</summary>
    /// <value>The default value is 2 minutes.</value>
    public TimeSpan? Timeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Gets or sets a value indicating whether other participants' names are written at the start of their
    /// turns ("[Alice] …") as well as in <see cref="ChatMessage.AuthorName"/>, for models that ignore author names.
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool IncludeNamesInText { get; set; } = true;

    /// <summary>Gets or sets a greeting posted when a conversation starts; <see langword="null"/> to stay silent until spoken to.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? Greeting { get; set; }

    /// <summary>Gets or sets the format of the agent's replies.</summary>
    /// <value>The default value is <see cref="MessageFormat.Markdown"/>.</value>
    public MessageFormat ReplyFormat { get; set; } = MessageFormat.Markdown;

    /// <summary>
    /// Gets or sets how attachments reach the model. Anything but <see cref="AttachmentContentMode.Describe"/> reads the
    /// asset as the agent, through the message, so the agent sees only what the room's participants may see.
    /// </summary>
    /// <value>The default value is <see cref="AttachmentContentMode.Describe"/>: attachments are described in text.</value>
    public AttachmentContentMode AttachmentContent { get; set; } = AttachmentContentMode.Describe;

    /// <summary>Gets the media types whose content is passed to the model (exact, or <c>image/*</c>).</summary>
    /// <value>The default value is PNG, JPEG, GIF and WebP images, PDF and plain text.</value>
    public IList<string> AttachmentMediaTypes { get; } = ["image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain"];

    /// <summary>Gets or sets the largest attachment passed to the model as bytes; larger ones are described in text.</summary>
    /// <value>The default value is 10 MiB.</value>
    [Range(1L, long.MaxValue)]
    public long MaxAttachmentBytes { get; set; } = 10L * 1024 * 1024;
}
