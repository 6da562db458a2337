using System.Text.Json;

namespace Conversations.Internal;

/// <summary>Copies a message with its mutable fields replaced: <see cref="Message"/> is immutable and not a record.</summary>
internal static class MessageCopy
{
    public static Message With(
        this Message m,
        long? sequence = null,
        long? lastSequence = null,
        string? text = null,
        MessageFormat? format = null,
        IReadOnlyList<Attachment>? attachments = null,
        Optional<JsonElement?> data = default,
        MessageStatus? status = null,
        Optional<DateTimeOffset?> editedAt = default,
        Optional<DateTimeOffset?> deletedAt = default) => new()
    {
        Id = m.Id,
        RoomId = m.RoomId,
        ConversationId = m.ConversationId,
        Sequence = sequence ?? m.Sequence,
        LastSequence = lastSequence ?? m.LastSequence,
        SenderId = m.SenderId,
        SenderKind = m.SenderKind,
        ReplyToId = m.ReplyToId,
        ClientMessageId = m.ClientMessageId,
        CreatedAt = m.CreatedAt,
        Text = text ?? m.Text,
        Format = format ?? m.Format,
        Attachments = attachments ?? m.Attachments,
        Data = data.HasValue ? data.Value : m.Data,
        Status = status ?? m.Status,
        EditedAt = editedAt.HasValue ? editedAt.Value : m.EditedAt,
        DeletedAt = deletedAt.HasValue ? deletedAt.Value : m.DeletedAt,
        ChainDepth = m.ChainDepth,
    };

    /// <summary>A value that may be absent, so that "set to null" and "leave as is" differ.</summary>
    internal readonly struct Optional<T>(T value)
    {
        public bool HasValue { get; } = true;

        public T Value { get; } = value;

        public static implicit operator Optional<T>(T value) => new(value);
    }
}
