using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Conversations.Protocol;

/// <summary>
/// The binary records of <c>conversations.v1.compact</c> (docs/protocol.md, "Compact events"): a message event — posted,
/// updated or deleted — as a record of fields in a fixed order, instead of a JSON event frame. A client reads one about
/// three times faster than the JSON frame (EventReadBenchmarks) and it is about half the size; in a busy room these
/// events are most of what a client reads. Every other frame stays JSON text.
/// </summary>
/// <remarks>
/// A binary WebSocket message holds one or more records back to back. A record is its kind (one byte), the length of its
/// payload (4 bytes, little-endian) and the payload; a reader skips records of kinds it does not know, and bytes after the
/// fields it knows at the end of a payload, so later versions can add both.
/// </remarks>
internal static class CompactEvents
{
    /// <summary>The record kind of a message event.</summary>
    public const byte MessageEventRecord = 0x01;

    private const int HeaderBytes = 5;
    private const byte Posted = 1;
    private const byte Updated = 2;
    private const byte Deleted = 3;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    private static JsonTypeInfo<IReadOnlyList<Attachment>> Attachments =>
        field ??= (JsonTypeInfo<IReadOnlyList<Attachment>>)ProtocolJson.Default.Options.GetTypeInfo(typeof(IReadOnlyList<Attachment>));

    /// <summary>Writes a message event's record, for the subscription named <paramref name="subscription"/>.</summary>
    public static byte[] Write(MessageLogEvent @event, string subscription)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(512);
        buffer.ResetWrittenCount();
        try
        {
            buffer.GetSpan(HeaderBytes);
            buffer.Advance(HeaderBytes);
            var message = @event.Message;
            WriteString(buffer, subscription);
            WriteByte(buffer, @event switch { MessagePostedEvent => Posted, MessageUpdatedEvent => Updated, _ => Deleted });
            WriteString(buffer, @event.RoomId);
            WriteString(buffer, @event.ConversationId);
            WriteNumber(buffer, @event.Sequence);
            WriteString(buffer, string.Equals(@event.ActorId, message.SenderId, StringComparison.Ordinal) ? null : @event.ActorId);
            WriteTime(buffer, @event.Timestamp == message.CreatedAt && @event.Timestamp.Offset == message.CreatedAt.Offset ? null : @event.Timestamp);
            WriteString(buffer, message.Id);
            WriteNumber(buffer, message.Sequence);
            WriteNumber(buffer, message.LastSequence);
            WriteString(buffer, message.SenderId);
            WriteByte(buffer, (byte)message.SenderKind);
            WriteString(buffer, message.Text);
            WriteByte(buffer, (byte)message.Format);
            WriteByte(buffer, (byte)message.Status);
            WriteString(buffer, message.ReplyToId);
            WriteString(buffer, message.ClientMessageId);
            WriteTime(buffer, message.CreatedAt);
            WriteTime(buffer, message.EditedAt);
            WriteTime(buffer, message.DeletedAt);
            WriteNumber(buffer, message.ChainDepth);
            WriteJson(buffer, message.Attachments.Count == 0 ? null : JsonSerializer.SerializeToUtf8Bytes(message.Attachments, Attachments));
            WriteJson(buffer, message.Data is { } data ? Encoding.UTF8.GetBytes(data.GetRawText()) : null);
            if (@event is MessagePostedEvent posted)
            {
                WriteNumber(buffer, posted.ChainDepth);
                WriteNumber(buffer, posted.TriggerCount);
            }

            var record = buffer.WrittenSpan.ToArray();
            record[0] = MessageEventRecord;
            BinaryPrimitives.WriteInt32LittleEndian(record.AsSpan(1), record.Length - HeaderBytes);
            return record;
        }
        finally
        {
            if (buffer.Capacity > 64 * 1024)
            {
                t_buffer = null;
            }
        }
    }

    /// <summary>
    /// Reads the next record of a binary message into <paramref name="into"/> and moves <paramref name="rest"/> past it.
    /// Returns <see langword="false"/> for a record of a kind this reader does not know (skipped).
    /// </summary>
    /// <exception cref="JsonException">The record is malformed; when its length is, the rest of the message is dropped too.</exception>
    public static bool TryRead(ref ReadOnlySpan<byte> rest, RecentStrings? recent, ServerFrame into)
    {
        if (rest.Length < HeaderBytes)
        {
            rest = [];
            throw new JsonException("A binary message ends inside a record header.");
        }

        var kind = rest[0];
        var length = BinaryPrimitives.ReadInt32LittleEndian(rest[1..]);
        if (length < 0 || length > rest.Length - HeaderBytes)
        {
            rest = [];
            throw new JsonException("A binary record is longer than its message.");
        }

        var payload = rest.Slice(HeaderBytes, length);
        rest = rest[(HeaderBytes + length)..];
        if (kind != MessageEventRecord)
        {
            return false;
        }

        try
        {
            var reader = new Reader(payload, recent);
            into.Clear();
            into.Type = ServerFrameTypes.Event;
            into.Subscription = reader.String();
            into.ConversationEvent = ReadMessageEvent(ref reader);
            return true;
        }
        catch (Exception e) when (e is IndexOutOfRangeException or ArgumentException or DecoderFallbackException or JsonException or OverflowException)
        {
            into.Clear();
            throw e as JsonException ?? new JsonException("A binary message event record is malformed.", e);
        }
    }

    private static MessageLogEvent ReadMessageEvent(ref Reader reader)
    {
        var type = reader.Byte();
        if (type is not (Posted or Updated or Deleted))
        {
            throw new JsonException($"Unknown message event type {type} in a binary record.");
        }

        var roomId = reader.String() ?? throw Missing("roomId");
        var conversationId = reader.String();
        var sequence = reader.Number();
        var actorId = reader.String();
        var timestamp = reader.Time();
        var message = new Message
        {
            Id = reader.String(recent: false) ?? throw Missing("message.id"),
            RoomId = roomId,
            ConversationId = conversationId ?? throw Missing("conversationId"),
            Sequence = reader.Number(),
            LastSequence = reader.Number(),
            SenderId = reader.String() ?? throw Missing("message.senderId"),
            SenderKind = (AccountKind)Known(reader.Byte(), (int)AccountKind.System, "senderKind"),
            Text = reader.String(recent: false) ?? string.Empty,
            Format = (MessageFormat)Known(reader.Byte(), (int)MessageFormat.Markdown, "format"),
            Status = (MessageStatus)Known(reader.Byte(), (int)MessageStatus.Stopped, "status"),
            ReplyToId = reader.String(recent: false),
            ClientMessageId = reader.String(recent: false),
            CreatedAt = reader.Time() ?? throw Missing("message.createdAt"),
            EditedAt = reader.Time(),
            DeletedAt = reader.Time(),
            ChainDepth = checked((int)reader.Number()),
            Attachments = reader.TryBytes(out var attachments) ? JsonSerializer.Deserialize(attachments, Attachments) ?? [] : [],
            Data = reader.TryBytes(out var data) ? ParseValue(data) : null,
        };

        var (chainDepth, triggerCount) = type == Posted ? (checked((int)reader.Number()), checked((int)reader.Number())) : (0, 0);
        return MessageLogEvents.Create(
            type switch { Posted => MessageLogKind.Posted, Updated => MessageLogKind.Updated, _ => MessageLogKind.Deleted },
            roomId, conversationId, actorId, timestamp, sequence, message, chainDepth, triggerCount);
    }

    private static JsonElement ParseValue(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        return JsonElement.ParseValue(ref reader);
    }

    private static JsonException Missing(string field) => new($"A binary message event record has no {field}.");

    /// <summary>An enum's number; the numbers are the wire format's (docs/protocol.md) and equal the enums' values.</summary>
    private static int Known(byte value, int highest, string field) =>
        value <= highest ? value : throw new JsonException($"A binary message event record has an unknown {field} ({value}).");

    private static void WriteByte(ArrayBufferWriter<byte> buffer, byte value)
    {
        buffer.GetSpan(1)[0] = value;
        buffer.Advance(1);
    }

    /// <summary>A signed number as a zigzag LEB128 varint (1 byte up to 63, at most 10).</summary>
    private static void WriteNumber(ArrayBufferWriter<byte> buffer, long value)
    {
        var bits = (ulong)((value << 1) ^ (value >> 63));
        var span = buffer.GetSpan(10);
        var count = 0;
        while (bits >= 0x80)
        {
            span[count++] = (byte)(bits | 0x80);
            bits >>= 7;
        }

        span[count++] = (byte)bits;
        buffer.Advance(count);
    }

    /// <summary>A string as its UTF-8 byte count (a varint; −1 for none) and its bytes.</summary>
    private static void WriteString(ArrayBufferWriter<byte> buffer, string? value)
    {
        if (value is null)
        {
            WriteNumber(buffer, -1);
            return;
        }

        var count = Encoding.UTF8.GetByteCount(value);
        WriteNumber(buffer, count);
        buffer.Advance(Encoding.UTF8.GetBytes(value, buffer.GetSpan(count)));
    }

    /// <summary>JSON text (attachments, data) as its byte count (−1 for none) and its UTF-8 bytes.</summary>
    private static void WriteJson(ArrayBufferWriter<byte> buffer, byte[]? json)
    {
        if (json is null)
        {
            WriteNumber(buffer, -1);
            return;
        }

        WriteNumber(buffer, json.Length);
        buffer.Write(json);
    }

    /// <summary>A time as a presence byte, then 100-ns ticks since the Unix epoch in UTC (8 bytes) and the offset in minutes (2 bytes).</summary>
    private static void WriteTime(ArrayBufferWriter<byte> buffer, DateTimeOffset? value)
    {
        if (value is not { } time)
        {
            WriteByte(buffer, 0);
            return;
        }

        var span = buffer.GetSpan(11);
        span[0] = 1;
        BinaryPrimitives.WriteInt64LittleEndian(span[1..], time.UtcTicks - DateTime.UnixEpoch.Ticks);
        BinaryPrimitives.WriteInt16LittleEndian(span[9..], checked((short)time.Offset.TotalMinutes));
        buffer.Advance(11);
    }

    /// <summary>Reads a payload's fields in order; reading past its end throws <see cref="IndexOutOfRangeException"/> or <see cref="ArgumentOutOfRangeException"/>.</summary>
    private ref struct Reader(ReadOnlySpan<byte> payload, RecentStrings? recent)
    {
        private ReadOnlySpan<byte> _rest = payload;

        public byte Byte()
        {
            var value = _rest[0];
            _rest = _rest[1..];
            return value;
        }

        public long Number()
        {
            ulong bits = 0;
            for (var shift = 0; shift < 70; shift += 7)
            {
                var b = Byte();
                bits |= (ulong)(b & 0x7F) << shift;
                if ((b & 0x80) == 0)
                {
                    return (long)(bits >> 1) ^ -(long)(bits & 1);
                }
            }

            throw new JsonException("A number in a binary record is longer than 10 bytes.");
        }

        /// <summary>A string; ids that repeat from record to record (<paramref name="recent"/>) reuse a recent copy.</summary>
        public string? String(bool recent = true)
        {
            if (!TryBytes(out var utf8))
            {
                return null;
            }

            return recent && _recent is not null ? _recent.Read(utf8) : RecentStrings.Decode(utf8);
        }

        /// <summary>Reads a byte count (−1 for none) and that many bytes.</summary>
        public bool TryBytes(out ReadOnlySpan<byte> bytes)
        {
            var length = Number();
            if (length < 0)
            {
                bytes = default;
                return false;
            }

            bytes = _rest[..checked((int)length)];
            _rest = _rest[bytes.Length..];
            return true;
        }

        public DateTimeOffset? Time()
        {
            if (Byte() == 0)
            {
                return null;
            }

            var ticks = BinaryPrimitives.ReadInt64LittleEndian(_rest) + DateTime.UnixEpoch.Ticks;
            var offset = TimeSpan.FromMinutes(BinaryPrimitives.ReadInt16LittleEndian(_rest[8..]));
            _rest = _rest[10..];
            return new DateTimeOffset(ticks, TimeSpan.Zero).ToOffset(offset);
        }

        private readonly RecentStrings? _recent = recent;
    }
}
