namespace Conversations.Internal;

/// <summary>A frame in a connection's send queue; an event frame keeps its event for the delivery metrics.</summary>
/// <param name="Bytes">The frame's UTF-8 JSON, or a binary record of compact events.</param>
/// <param name="Event">The event the frame carries, if it is an event frame.</param>
/// <param name="Live">Whether the event is news (counted in the delivery lag) rather than history the subscriber asked to replay.</param>
/// <param name="Binary">Whether <paramref name="Bytes"/> is a binary record (<see cref="Protocol.CompactEvents"/>) rather than JSON text.</param>
internal readonly record struct OutboundFrame(byte[] Bytes, ConversationEvent? Event = null, bool Live = false, bool Binary = false);
