namespace Conversations.Protocol;

/// <summary>Names and numbers of the <c>conversations.v1.json</c> wire protocol (see docs/protocol.md).</summary>
internal static class ProtocolConstants
{
    /// <summary>The WebSocket subprotocol of version 1 of the JSON protocol.</summary>
    public const string SubprotocolV1 = "conversations.v1.json";

    /// <summary>
    /// The WebSocket subprotocol of version 1 with compact events: as <see cref="SubprotocolV1"/>, except that message
    /// events arrive as binary records (<see cref="CompactEvents"/>).
    /// </summary>
    public const string SubprotocolV1Compact = "conversations.v1.compact";

    /// <summary>Close status sent when the server's send queue for a client overflows (the client does not read).</summary>
    public const int CloseStatusClientTooSlow = 4002;

    /// <summary>Close status sent when a client keeps sending invalid frames.</summary>
    public const int CloseStatusPolicyViolation = 1008;

    /// <summary>Close status sent when the server shuts down.</summary>
    public const int CloseStatusGoingAway = 1001;
}

/// <summary>The <c>type</c> values of frames the server sends.</summary>
internal static class ServerFrameTypes
{
    public const string Welcome = "welcome";
    public const string Ack = "ack";
    public const string Error = "error";
    public const string Event = "event";
    public const string SubscriptionEnded = "subscription_ended";
}

/// <summary>The <c>type</c> values of the commands a client sends.</summary>
internal static class CommandTypes
{
    public const string Ping = "ping";
    public const string RoomsCreate = "rooms.create";
    public const string RoomsDirect = "rooms.direct";
    public const string RoomsGet = "rooms.get";
    public const string RoomsList = "rooms.list";
    public const string RoomsSubscribe = "rooms.subscribe";
    public const string RoomsUnsubscribe = "rooms.unsubscribe";
    public const string ParticipantsAdd = "participants.add";
    public const string ParticipantsUpdate = "participants.update";
    public const string ParticipantsRemove = "participants.remove";
    public const string ParticipantsList = "participants.list";
    public const string ConversationsCreate = "conversations.create";
    public const string ConversationsGet = "conversations.get";
    public const string ConversationsList = "conversations.list";
    public const string MessagesPost = "messages.post";
    public const string MessagesEdit = "messages.edit";
    public const string MessagesDelete = "messages.delete";
    public const string MessagesHistory = "messages.history";
    public const string Subscribe = "subscribe";
    public const string Unsubscribe = "unsubscribe";
    public const string Typing = "typing";
    public const string Read = "read";
    public const string ReadMarkers = "read_markers.list";
    public const string StreamBegin = "stream.begin";
    public const string StreamAppend = "stream.append";
    public const string StreamComplete = "stream.complete";
    public const string StreamFail = "stream.fail";
    public const string MessagesStop = "messages.stop";
    public const string MessagesRegenerate = "messages.regenerate";
    public const string InboxGet = "inbox.get";
    public const string InboxSubscribe = "inbox.subscribe";
    public const string InboxUnsubscribe = "inbox.unsubscribe";
}

/// <summary>The names event frames give the subscription they belong to (<c>"subscription"</c>).</summary>
internal static class SubscriptionNames
{
    public const string Inbox = "inbox";
    public const string ConversationPrefix = "conversation:";
    public const string RoomPrefix = "room:";

    public static string Conversation(string conversationId) => ConversationPrefix + conversationId;

    public static string Room(string roomId) => RoomPrefix + roomId;
}

/// <summary>The <c>type</c> values of the asset commands.</summary>
internal static class AssetCommandTypes
{
    public const string Prefix = "assets.";
    public const string UploadBegin = "assets.upload.begin";
    public const string UploadComplete = "assets.upload.complete";
    public const string Get = "assets.get";
    public const string Link = "assets.link";
    public const string Move = "assets.move";
    public const string Delete = "assets.delete";
    public const string List = "assets.list";
    public const string FoldersCreate = "assets.folders.create";
    public const string FoldersMove = "assets.folders.move";
    public const string FoldersDelete = "assets.folders.delete";
}
