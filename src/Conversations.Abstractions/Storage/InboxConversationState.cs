namespace Conversations.Storage;

/// <summary>One conversation of an <see cref="InboxRoomState"/>, as one account sees it.</summary>
/// <param name="Conversation">The conversation, with its current <see cref="Conversation.LastSequence"/>.</param>
/// <param name="LastMessage">The message with the highest <see cref="Message.Sequence"/>, as it is now (possibly deleted), or <see langword="null"/>.</param>
/// <param name="ReadSequence">The account's read marker in the conversation; 0 when it has none.</param>
/// <param name="UnreadCount">How many messages not sent by the account and not deleted have a <see cref="Message.Sequence"/> above <paramref name="ReadSequence"/>.</param>
public sealed record InboxConversationState(Conversation Conversation, Message? LastMessage, long ReadSequence, long UnreadCount);
