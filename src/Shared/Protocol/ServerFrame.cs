using System.Text.Json;

namespace Conversations.Protocol;

/// <summary>A frame from the server, as a client reads it.</summary>
internal sealed class ServerFrame
{
    public string? Type { get; set; }

    public string? Id { get; set; }

    public JsonElement? Result { get; set; }

    public string? Code { get; set; }

    public string? Message { get; set; }

    public long? RetryAfterMs { get; set; }

    public ConversationEvent? Event { get; set; }

    public string? Protocol { get; set; }

    public string? AccountId { get; set; }

    public AccountKind? AccountKind { get; set; }

    public string? ConversationId { get; set; }

    public string? RoomId { get; set; }

    public int? MaxMessageBytes { get; set; }
}
