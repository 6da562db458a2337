using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Conversations.Protocol;

namespace Conversations.Internal;

/// <summary>Writes the server's frames as UTF-8 JSON. Event frames are built once per event and shared by every connection.</summary>
internal static class FrameWriter
{
    private static readonly ConditionalWeakTable<ConversationEvent, byte[]> s_eventFrames = new();
    private static readonly ConditionalWeakTable<ConversationEvent, byte[]>.CreateValueCallback s_buildEventFrame = BuildEventFrame;

    public static ProtocolJson Json => ProtocolJson.Default;

    public static byte[] Event(ConversationEvent @event) => s_eventFrames.GetValue(@event, s_buildEventFrame);

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

    public static byte[] SubscriptionEnded(string? conversationId, string? roomId, string? code, string message) =>
        Write((conversationId, roomId, code, message), static (writer, state) =>
        {
            writer.WriteString("type"u8, ServerFrameTypes.SubscriptionEnded);
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

    private static byte[] BuildEventFrame(ConversationEvent @event) => Write(@event, static (writer, e) =>
    {
        writer.WriteString("type"u8, ServerFrameTypes.Event);
        writer.WritePropertyName("event"u8);
        JsonSerializer.Serialize(writer, e, Json.ConversationEvent);
    });

    private static byte[] Write<TState>(TState state, Action<Utf8JsonWriter, TState> body)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            body(writer, state);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
