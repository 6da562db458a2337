using System.Text.Json;

namespace Conversations;

/// <summary>Changes to a message. Properties left <see langword="null"/> are not changed.</summary>
public sealed class EditMessageRequest
{
    /// <summary>Gets the new text.</summary>
    public string? Text { get; set; }

    /// <summary>Gets the new format.</summary>
    public MessageFormat? Format { get; set; }

    /// <summary>Gets the new attachments.</summary>
    public IReadOnlyList<Attachment>? Attachments { get; set; }

    /// <summary>Gets the new structured data; must be a JSON object or array.</summary>
    public JsonElement? Data { get; set; }
}
