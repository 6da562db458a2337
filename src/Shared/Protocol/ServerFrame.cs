using System.Text.Json;

namespace Conversations.Protocol;

/// <summary>
/// A frame from the server, as a client reads it (<see cref="ServerFrameReader"/>). The client's receive loop reads every
/// frame into one instance (<see cref="Clear"/>): a frame is handled before the next is read, and nothing keeps it.
/// </summary>
internal sealed class ServerFrame
{
    public string? Type { get; set; }

    public string? Id { get; set; }

    public JsonElement? Result { get; set; }

    public string? Code { get; set; }

    public string? Message { get; set; }

    public long? RetryAfterMs { get; set; }

    /// <summary>The event of an event frame, read by the subscription named in <see cref="Subscription"/>: a conversation or room event, or an inbox event.</summary>
    public JsonElement? Event { get; set; }

    /// <summary>The event of an event frame, read as it arrived when the frame named a conversation or room subscription first.</summary>
    public ConversationEvent? ConversationEvent { get; set; }

    /// <summary>The event of an inbox event frame, read as it arrived when the frame named the inbox first.</summary>
    public InboxEvent? InboxEvent { get; set; }

    /// <summary>The subscription an event or subscription_ended frame belongs to: <c>conversation:{id}</c>, <c>room:{id}</c> or <c>inbox</c>.</summary>
    public string? Subscription { get; set; }

    public string? Protocol { get; set; }

    public string? AccountId { get; set; }

    public AccountKind? AccountKind { get; set; }

    public string? ConversationId { get; set; }

    public string? RoomId { get; set; }

    public int? MaxMessageBytes { get; set; }

    /// <summary>Forgets the last frame read into this instance.</summary>
    public void Clear()
    {
        Type = null;
        Id = null;
        Result = null;
        Code = null;
        Message = null;
        RetryAfterMs = null;
        Event = null;
        ConversationEvent = null;
        InboxEvent = null;
        Subscription = null;
        Protocol = null;
        AccountId = null;
        AccountKind = null;
        ConversationId = null;
        RoomId = null;
        MaxMessageBytes = null;
    }
}
