using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Conversations.Protocol;

namespace Conversations.Internal;

/// <summary>
/// Writes the server's frames as UTF-8 JSON. An event is serialized once and shared by every connection; each event frame
/// wraps it with the name of the subscription it belongs to.
/// </summary>
internal static class FrameWriter
{
    private const int MaxKeptBufferBytes = 64 * 1024;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    private static readonly ConditionalWeakTable<ConversationEvent, EventFrames> s_frames = new();
    private static readonly ConditionalWeakTable<ConversationEvent, EventFrames>.CreateValueCallback s_newFrames = static e => new EventFrames(e);

    public static ProtocolJson Json => ProtocolJson.Default;

    /// <summary>
    /// An event frame of a conversation or room subscription. Every receiver of an event in one subscription gets the same
    /// bytes: the event is serialized once, and its frame once per subscription name.
    /// </summary>
    public static byte[] Event(ConversationEvent @event, string subscription) => s_frames.GetValue(@event, s_newFrames).For(subscription);

    /// <summary>
    /// A message event's compact record (<c>conversations.v1.compact</c>), written once per event and subscription name
    /// like its JSON frame.
    /// </summary>
    public static byte[] CompactEvent(MessageLogEvent @event, string subscription) => s_frames.GetValue(@event, s_newFrames).CompactFor(subscription);

    /// <summary>An event frame of the inbox subscription.</summary>
    public static byte[] Event(InboxEvent @event) => EventFrame(JsonSerializer.SerializeToUtf8Bytes(@event, Json.InboxEvent), SubscriptionNames.Inbox);

    public static byte[] Ack(string id) => Write(id, static (writer, id) =>
    {
        writer.WriteString("type"u8, ServerFrameTypes.Ack);
        writer.WriteString("id"u8, id);
    });

    public static byte[] Ack<T>(string id, T result, JsonTypeInfo<T> typeInfo) => Write((id, result, typeInfo), static (writer, state) =>
    {
        writer.WriteString("type"u8, ServerFrameTypes.Ack);
        writer.WriteString("id"u8, state.id);
        writer.WritePropertyName("result"u8);
        JsonSerializer.Serialize(writer, state.result, state.typeInfo);
    });

    public static byte[] Error(string? id, string code, string message, TimeSpan? retryAfter = null) => Write((id, code, message, retryAfter), static (writer, state) =>
    {
        writer.WriteString("type"u8, ServerFrameTypes.Error);
        if (state.id is null)
        {
            writer.WriteNull("id"u8);
        }
        else
        {
            writer.WriteString("id"u8, state.id);
        }

        writer.WriteString("code"u8, state.code);
        writer.WriteString("message"u8, state.message);
        if (state.retryAfter is { } retryAfter)
        {
            writer.WriteNumber("retryAfterMs"u8, ErrorMapping.ToMilliseconds(retryAfter));
        }
    });

    public static byte[] Welcome(string protocol, Account account, int maxMessageBytes) => Write((protocol, account, maxMessageBytes), static (writer, state) =>
    {
        writer.WriteString("type"u8, ServerFrameTypes.Welcome);
        writer.WriteString("protocol"u8, state.protocol);
        writer.WriteString("accountId"u8, state.account.Id);
        writer.WriteString("accountKind"u8, state.account.Kind == AccountKind.Agent ? "agent" : "user");
        writer.WriteNumber("maxMessageBytes"u8, state.maxMessageBytes);
    });

    public static byte[] SubscriptionEnded(string subscription, string? conversationId, string? roomId, string? code, string message) =>
        Write((subscription, conversationId, roomId, code, message), static (writer, state) =>
        {
            writer.WriteString("type"u8, ServerFrameTypes.SubscriptionEnded);
            writer.WriteString("subscription"u8, state.subscription);
            if (state.conversationId is not null)
            {
                writer.WriteString("conversationId"u8, state.conversationId);
            }

            if (state.roomId is not null)
            {
                writer.WriteString("roomId"u8, state.roomId);
            }

            if (state.code is not null)
            {
                writer.WriteString("code"u8, state.code);
            }

            writer.WriteString("message"u8, state.message);
        });

    /// <summary>An event's JSON and its most recent frame; a room's events reach receivers under one or two names.</summary>
    private sealed class EventFrames(ConversationEvent @event)
    {
        private byte[]? _json;
        private Named? _last;
        private Named? _lastCompact;

        public byte[] CompactFor(string subscription)
        {
            if (Volatile.Read(ref _lastCompact) is { } last && string.Equals(last.Subscription, subscription, StringComparison.Ordinal))
            {
                return last.Frame;
            }

            var record = CompactEvents.Write((MessageLogEvent)@event, subscription);
            Volatile.Write(ref _lastCompact, new Named(subscription, record));
            return record;
        }

        public byte[] For(string subscription)
        {
            if (Volatile.Read(ref _last) is { } last && string.Equals(last.Subscription, subscription, StringComparison.Ordinal))
            {
                return last.Frame;
            }

            var json = Volatile.Read(ref _json) ?? Interlocked.CompareExchange(ref _json, JsonSerializer.SerializeToUtf8Bytes(@event, Json.EventFrame), null) ?? _json!;
            var frame = EventFrame(json, subscription);
            Volatile.Write(ref _last, new Named(subscription, frame));
            return frame;
        }

        private sealed record Named(string Subscription, byte[] Frame);
    }

    private static byte[] EventFrame(byte[] eventJson, string subscription) => Write((eventJson, subscription), static (writer, state) =>
    {
        writer.WriteString("type"u8, ServerFrameTypes.Event);
        writer.WriteString("subscription"u8, state.subscription);
        writer.WritePropertyName("event"u8);
        writer.WriteRawValue(state.eventJson, skipInputValidation: true);
    });

    /// <summary>
    /// Writes one frame. The buffer and the JSON writer are kept per thread and reused (every ack used to allocate both and
    /// grow the buffer twice: about 5 KB per post); only the finished frame is a new array.
    /// </summary>
    private static byte[] Write<TState>(TState state, Action<Utf8JsonWriter, TState> body)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        var writer = t_writer ??= new Utf8JsonWriter(buffer);
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        try
        {
            writer.WriteStartObject();
            body(writer, state);
            writer.WriteEndObject();
            writer.Flush();
            return buffer.WrittenSpan.ToArray();
        }
        finally
        {
            if (buffer.Capacity > MaxKeptBufferBytes)
            {
                // A rare big frame (a long history page) should not stay with the thread.
                t_buffer = null;
                t_writer = null;
            }
        }
    }
}
