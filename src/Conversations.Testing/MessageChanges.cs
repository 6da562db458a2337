namespace Conversations.Testing;

/// <summary>Copies of a message with one change, for driving a store directly in tests.</summary>
internal static class MessageChanges
{
    public static Message WithText(this Message m, string text) => Copy(m, text: text);

    public static Message Deleted(this Message m, DateTimeOffset at) => Copy(m, text: string.Empty, deletedAt: at);

    public static Message Undeleted(this Message m) => Copy(m, undelete: true);

    public static Message Streaming(this Message m) => Copy(m, status: MessageStatus.Streaming);

    public static Message Completed(this Message m) => Copy(m, status: MessageStatus.Complete);

    private static Message Copy(Message m, string? text = null, MessageStatus? status = null, DateTimeOffset? deletedAt = null, bool undelete = false) => new()
    {
        Id = m.Id,
        RoomId = m.RoomId,
        ConversationId = m.ConversationId,
        Sequence = m.Sequence,
        LastSequence = m.LastSequence,
        SenderId = m.SenderId,
        SenderKind = m.SenderKind,
        Text = text ?? m.Text,
        Format = m.Format,
        Attachments = m.Attachments,
        Data = m.Data,
        ReplyToId = m.ReplyToId,
        ClientMessageId = m.ClientMessageId,
        Status = status ?? m.Status,
        CreatedAt = m.CreatedAt,
        EditedAt = m.EditedAt,
        DeletedAt = undelete ? null : deletedAt ?? m.DeletedAt,
        ChainDepth = m.ChainDepth,
    };
}
