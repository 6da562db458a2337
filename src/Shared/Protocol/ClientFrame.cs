using System.Text.Json;

namespace Conversations.Protocol;

/// <summary>
/// A command from a client. One flat shape for every command: <see cref="Type"/> names the command,
/// <see cref="Id"/> is echoed in the answer, and each command reads the arguments it documents.
/// </summary>
internal sealed partial class ClientFrame
{
    public string? Type { get; set; }

    public string? Id { get; set; }

    /// <summary>Gets or sets the caller's W3C trace context, so the command's span continues the caller's trace.</summary>
    [System.Text.Json.Serialization.JsonPropertyName("traceparent")]
    public string? TraceParent { get; set; }

    public string? RoomId { get; set; }

    public string? ConversationId { get; set; }

    public string? MessageId { get; set; }

    public string? AccountId { get; set; }

    public string? Name { get; set; }

    public string? Title { get; set; }

    public string? Text { get; set; }

    public MessageFormat? Format { get; set; }

    public IReadOnlyList<Attachment>? Attachments { get; set; }

    public JsonElement? Data { get; set; }

    public string? ReplyToId { get; set; }

    public string? ClientMessageId { get; set; }

    public IReadOnlyList<ParticipantSpecDto>? Participants { get; set; }

    public ParticipantSpecDto? Participant { get; set; }

    public ParticipantUpdate? Update { get; set; }

    public long? Before { get; set; }

    public long? After { get; set; }

    public int? Limit { get; set; }

    public long? AfterSequence { get; set; }

    public bool? IsTyping { get; set; }

    public long? Sequence { get; set; }

    public string? Delta { get; set; }

    /// <summary>The versions of the inbox entries a subscriber holds (<c>inbox.subscribe</c>); <c>cursor</c> pages <c>inbox.get</c> too.</summary>
    public Dictionary<string, long>? Known { get; set; }
}
