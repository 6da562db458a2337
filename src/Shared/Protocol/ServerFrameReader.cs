using System.Text.Json;

namespace Conversations.Protocol;

/// <summary>
/// Reads one server frame in a single pass (the client's side of the protocol). The server names an event frame's
/// subscription before its event, so the event is read straight into its type; only a frame that puts the event first
/// (another server, an older one) has its event kept as JSON and read once the subscription is known.
/// </summary>
internal static class ServerFrameReader
{
    private static readonly ProtocolJson Json = ProtocolJson.Default;

    /// <param name="line">One frame.</param>
    /// <param name="recent">The connection's recent id strings, reused rather than decoded again (optional).</param>
    /// <param name="into">An instance to read the frame into (cleared first) rather than a new one (optional).</param>
    /// <exception cref="JsonException">The frame is not a JSON object, or its event is one this client cannot read.</exception>
    public static ServerFrame Read(ReadOnlySpan<byte> line, RecentStrings? recent = null, ServerFrame? into = null)
    {
        try
        {
            return ReadFrame(line, recent, into);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            // The reader's own complaints (a string where a number belongs, a number out of range) are bad JSON too.
            throw new JsonException(e.Message, e);
        }
    }

    private static ServerFrame ReadFrame(ReadOnlySpan<byte> line, RecentStrings? recent, ServerFrame? into)
    {
        var reader = new Utf8JsonReader(line);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("A server frame is not a JSON object.");
        }

        var frame = into ?? new ServerFrame();
        into?.Clear();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = JsonReading.Name(ref reader);
            if (!reader.Read())
            {
                break;
            }

            if (name.SequenceEqual("type"u8))
            {
                frame.Type = FrameType(ref reader);
            }
            else if (name.SequenceEqual("subscription"u8))
            {
                frame.Subscription = recent is null ? reader.GetString() : recent.Read(ref reader);
            }
            else if (name.SequenceEqual("event"u8))
            {
                ReadEvent(ref reader, frame, recent);
            }
            else if (name.SequenceEqual("id"u8))
            {
                frame.Id = reader.GetString();
            }
            else if (name.SequenceEqual("result"u8))
            {
                frame.Result = reader.TokenType == JsonTokenType.Null ? null : JsonElement.ParseValue(ref reader);
            }
            else if (name.SequenceEqual("code"u8))
            {
                frame.Code = reader.GetString();
            }
            else if (name.SequenceEqual("message"u8))
            {
                frame.Message = reader.GetString();
            }
            else if (name.SequenceEqual("retryAfterMs"u8))
            {
                frame.RetryAfterMs = reader.TokenType == JsonTokenType.Null ? null : reader.GetInt64();
            }
            else if (name.SequenceEqual("conversationId"u8))
            {
                frame.ConversationId = reader.GetString();
            }
            else if (name.SequenceEqual("roomId"u8))
            {
                frame.RoomId = reader.GetString();
            }
            else if (name.SequenceEqual("protocol"u8))
            {
                frame.Protocol = reader.GetString();
            }
            else if (name.SequenceEqual("accountId"u8))
            {
                frame.AccountId = reader.GetString();
            }
            else if (name.SequenceEqual("accountKind"u8))
            {
                frame.AccountKind = reader.TokenType == JsonTokenType.Null ? null : JsonReading.ReadValue<AccountKind>(ref reader, Json.Options);
            }
            else if (name.SequenceEqual("maxMessageBytes"u8))
            {
                frame.MaxMessageBytes = reader.TokenType == JsonTokenType.Null ? null : reader.GetInt32();
            }
            else
            {
                reader.Skip();
            }
        }

        JsonReading.Expect(ref reader, JsonTokenType.EndObject);
        return frame;
    }

    /// <summary>Reads a frame's event held as JSON (its frame put the event before the subscription name).</summary>
    public static void ReadEvent(ServerFrame frame, JsonElement raw)
    {
        if (string.Equals(frame.Subscription, SubscriptionNames.Inbox, StringComparison.Ordinal))
        {
            frame.InboxEvent = raw.Deserialize(Json.InboxEvent);
        }
        else
        {
            frame.ConversationEvent = raw.Deserialize(Json.ConversationEvent);
        }
    }

    private static void ReadEvent(ref Utf8JsonReader reader, ServerFrame frame, RecentStrings? recent)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return;
        }

        if (!string.Equals(frame.Type, ServerFrameTypes.Event, StringComparison.Ordinal) || frame.Subscription is null)
        {
            frame.Event = JsonElement.ParseValue(ref reader);
        }
        else if (string.Equals(frame.Subscription, SubscriptionNames.Inbox, StringComparison.Ordinal))
        {
            frame.InboxEvent = JsonSerializer.Deserialize(ref reader, Json.InboxEvent);
        }
        else
        {
            frame.ConversationEvent = Json.EventReader.Read(ref reader, Json.Options, recent);
        }
    }

    /// <summary>The frame types are a handful of constants: hand those out rather than a new string per frame.</summary>
    private static string? FrameType(ref Utf8JsonReader reader) =>
        reader.TokenType != JsonTokenType.String ? reader.GetString()
        : reader.ValueTextEquals(ServerFrameTypes.Event) ? ServerFrameTypes.Event
        : reader.ValueTextEquals(ServerFrameTypes.Ack) ? ServerFrameTypes.Ack
        : reader.ValueTextEquals(ServerFrameTypes.Error) ? ServerFrameTypes.Error
        : reader.ValueTextEquals(ServerFrameTypes.SubscriptionEnded) ? ServerFrameTypes.SubscriptionEnded
        : reader.ValueTextEquals(ServerFrameTypes.Welcome) ? ServerFrameTypes.Welcome
        : reader.GetString();
}
