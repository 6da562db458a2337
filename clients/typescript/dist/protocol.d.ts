/**
 * The shapes of `conversations.v1.json`: the model the server sends, the events it pushes, and the frames on the wire.
 * Property names are camelCase and enums are lower snake case strings, exactly as in `docs/protocol.md`.
 * Unknown properties may appear (servers add fields within a version); clients ignore them.
 *
 * @packageDocumentation
 */
/** The WebSocket subprotocol this client speaks. */
export declare const SUBPROTOCOL = "conversations.v1.json";
/** An ISO 8601 timestamp with offset, as the server writes it (for example `2026-11-25T07:00:00+00:00`). */
export type Timestamp = string;
/** Who an account is: a person or an agent. */
export type AccountKind = "user" | "agent";
/** A participant's role in a room. */
export type ParticipantRole = "owner" | "admin" | "member" | "observer";
/** A room's kind: `standard` rooms change participants; `direct` rooms have a fixed set. */
export type RoomKind = "standard" | "direct";
/** How a message's text is meant to be read. */
export type MessageFormat = "plain" | "markdown";
/**
 * A message's status: `streaming` while an agent writes it, then `complete` or `failed`, or `stopped` when a participant
 * stopped the stream (final, with the text that arrived until then).
 */
export type MessageStatus = "complete" | "streaming" | "failed" | "stopped";
/** A room: a container of participants and conversations. */
export interface Room {
    id: string;
    kind: RoomKind;
    name?: string | null;
    createdBy: string;
    createdAt: Timestamp;
}
/** An account in a room. */
export interface Participant {
    roomId: string;
    accountId: string;
    kind: AccountKind;
    role: ParticipantRole;
    autoRespond?: boolean;
    displayName?: string | null;
    joinedAt: Timestamp;
}
/** A participant to add or to form a direct room with; only `accountId` is required. */
export interface ParticipantSpec {
    accountId: string;
    /** Defaults to `user`. */
    kind?: AccountKind;
    /** Defaults to `member`. */
    role?: ParticipantRole;
    /** For agents: whether new messages trigger them. */
    autoRespond?: boolean;
    displayName?: string;
}
/** Changes to a participant; absent fields stay as they are. */
export interface ParticipantUpdate {
    role?: ParticipantRole;
    autoRespond?: boolean;
    displayName?: string;
}
/** A thread inside a room, with its own ordered log. */
export interface Conversation {
    id: string;
    roomId: string;
    title?: string | null;
    createdBy: string;
    createdAt: Timestamp;
    /** The highest sequence of the conversation's log (set by `conversations.get` and `subscribe`). */
    lastSequence?: number;
}
/**
 * A file carried by a message: the asset's id plus what the asset was called when the message was posted. The bytes are
 * reached through the asset (`client.assetLink` or `client.assetUrl`, with the message as `via`), which checks access on
 * every request.
 */
export interface Attachment {
    /** The asset's id. Empty only for an attachment stored before assets existed, whose bytes cannot be reached. */
    assetId: string;
    /** The file name shown to people. */
    name: string;
    /** The media type, such as `image/png`. */
    mediaType: string;
    /** The size in bytes. */
    size: number;
}
/**
 * An attachment to post or edit: only `assetId` is sent; the server fills in name, media type and size from the stored
 * asset. An {@link Attachment} fits too, so a message's attachments can be passed back as they are.
 */
export interface AttachmentRef {
    assetId: string;
}
/** One entry of a conversation. */
export interface Message {
    id: string;
    roomId: string;
    conversationId: string;
    /** Where the message sits in the conversation's log. */
    sequence: number;
    /** The sequence of the message's latest change (post, edit, delete, stream completion). */
    lastSequence: number;
    senderId: string;
    senderKind: AccountKind;
    text: string;
    format?: MessageFormat;
    attachments?: Attachment[];
    data?: unknown;
    replyToId?: string | null;
    clientMessageId?: string | null;
    status: MessageStatus;
    createdAt: Timestamp;
    editedAt?: Timestamp | null;
    deletedAt?: Timestamp | null;
    /** The agent-chain depth the message was posted at (0 for people). */
    chainDepth?: number;
}
/** How far an account has read a conversation. */
export interface ReadMarker {
    conversationId: string;
    accountId: string;
    sequence: number;
    updatedAt: Timestamp;
}
/** A page of history, in ascending sequence order. */
export interface MessagePage {
    messages: Message[];
    hasMore: boolean;
}
/** Fields every event carries. */
export interface EventBase {
    type: string;
    roomId: string;
    conversationId?: string | null;
    actorId: string;
    timestamp: Timestamp;
}
/** A change to a conversation's log; `sequence` is its place in the log. */
export interface MessageLogEventBase extends EventBase {
    conversationId: string;
    sequence: number;
    message: Message;
    chainDepth?: number;
}
/** A message was posted (or a stream began). */
export interface MessagePostedEvent extends MessageLogEventBase {
    type: "conversation.message_posted";
}
/** A message was edited, or a stream completed or failed (then `message.text` is the whole text). */
export interface MessageUpdatedEvent extends MessageLogEventBase {
    type: "conversation.message_updated";
}
/** A message was deleted. */
export interface MessageDeletedEvent extends MessageLogEventBase {
    type: "conversation.message_deleted";
}
/** One chunk of a streaming message; live only. `index` counts the message's chunks from 0. */
export interface MessageDeltaEvent extends EventBase {
    type: "conversation.message_delta";
    conversationId: string;
    messageId: string;
    messageSequence: number;
    index: number;
    delta: string;
}
/**
 * The text of a streaming message so far, sent to a subscriber that joins while it streams: `text` is exactly chunks
 * `0 … deltaCount-1`; chunks with `index >= deltaCount` follow as deltas.
 */
export interface MessageSnapshotEvent extends EventBase {
    type: "conversation.message_snapshot";
    conversationId: string;
    messageId: string;
    messageSequence: number;
    text: string;
    deltaCount: number;
}
/** Someone started or stopped typing; live only. */
export interface TypingEvent extends EventBase {
    type: "conversation.typing";
    conversationId: string;
    isTyping: boolean;
}
/** Someone moved their read marker. */
export interface ReadEvent extends EventBase {
    type: "conversation.read";
    conversationId: string;
    sequence: number;
}
/** An agent's flow failed for a trigger. */
export interface FlowFailedEvent extends EventBase {
    type: "conversation.flow_failed";
    conversationId: string;
    agentId: string;
    triggerSequence: number;
    errorCode: string;
    errorMessage: string;
}
/** A participant asked to stop a streaming message; its writer stops it (then `conversation.message_updated`, status `stopped`). */
export interface MessageStopRequestedEvent extends EventBase {
    type: "conversation.message_stop_requested";
    conversationId: string;
    messageId: string;
}
/** A conversation was created in a room. */
export interface ConversationCreatedEvent extends EventBase {
    type: "conversation.created";
    conversation: Conversation;
}
/** A room was created. */
export interface RoomCreatedEvent extends EventBase {
    type: "room.created";
    room: Room;
    participants: Participant[];
}
/** A participant joined a room. */
export interface ParticipantAddedEvent extends EventBase {
    type: "room.participant_added";
    participant: Participant;
}
/** A participant changed. */
export interface ParticipantUpdatedEvent extends EventBase {
    type: "room.participant_updated";
    participant: Participant;
}
/** A participant left or was removed. */
export interface ParticipantRemovedEvent extends EventBase {
    type: "room.participant_removed";
    accountId: string;
}
/** A change to a conversation's log: posted, updated or deleted. */
export type MessageLogEvent = MessagePostedEvent | MessageUpdatedEvent | MessageDeletedEvent;
/** Every event a conversation subscription delivers. */
export type ConversationEvent = MessageLogEvent | MessageDeltaEvent | MessageSnapshotEvent | TypingEvent | ReadEvent | FlowFailedEvent | MessageStopRequestedEvent;
/** Every event a room subscription delivers. */
export type RoomEvent = RoomCreatedEvent | ParticipantAddedEvent | ParticipantUpdatedEvent | ParticipantRemovedEvent | ConversationCreatedEvent;
/** Any event the server may push. */
export type ServerEvent = ConversationEvent | RoomEvent;
/** Tells whether an event is a change to a conversation's log (it then has `sequence` and `message`). */
export declare function isMessageLogEvent(e: {
    type: string;
}): e is MessageLogEvent;
/** Tells whether an event belongs to a room subscription rather than a conversation subscription. */
export declare function isRoomEvent(e: {
    type: string;
}): e is RoomEvent;
/** A short view of a message for lists: the start of its text (`isTruncated` when cut), who sent it, and when. */
export interface MessagePreview {
    messageId: string;
    conversationId: string;
    sequence: number;
    senderId: string;
    senderKind: AccountKind;
    text: string;
    isTruncated?: boolean;
    format?: MessageFormat;
    status: MessageStatus;
    attachmentCount?: number;
    createdAt: Timestamp;
    editedAt?: Timestamp | null;
    deletedAt?: Timestamp | null;
}
/** One conversation of an inbox entry, with the account's read position in it. */
export interface InboxConversation {
    conversationId: string;
    title?: string | null;
    /** The sequence of the conversation's latest log change. */
    lastSequence: number;
    /** The account's read marker (0 when none). */
    readSequence: number;
    /** Messages others posted after the read marker (deleted ones left out). */
    unreadCount: number;
    lastActivityAt: Timestamp;
}
/** One room of an account's inbox. */
export interface InboxEntry {
    room: Room;
    joinedAt: Timestamp;
    /** The newest of: the latest message, the newest conversation, joining. The inbox is ordered by it, newest first. */
    lastActivityAt: Timestamp;
    /** The room's newest message, or absent when it has none. */
    lastMessage?: MessagePreview | null;
    /** Messages others posted after the account's read markers, over the room's conversations. */
    unreadCount: number;
    conversations: InboxConversation[];
    /** Grows with every change of the entry; keep it to resubscribe with only what changed. */
    version: number;
}
/** A page of `inbox.get`. */
export interface InboxPage {
    entries: InboxEntry[];
    hasMore: boolean;
    /** Pass it as `cursor` for the next page. */
    nextCursor?: string | null;
}
/** A page request of `inbox.get`: `limit` defaults to 50 on the server. */
export interface InboxQuery {
    limit?: number;
    cursor?: string;
}
/** The account joined a room (or, when subscribing, a room not listed as known). */
export interface InboxRoomAddedEvent {
    type: "inbox.room_added";
    roomId: string;
    timestamp: Timestamp;
    entry: InboxEntry;
}
/** A room's entry changed: last message, unread count, read position or conversations. */
export interface InboxRoomUpdatedEvent {
    type: "inbox.room_updated";
    roomId: string;
    timestamp: Timestamp;
    entry: InboxEntry;
}
/** The account left the room or was removed from it. */
export interface InboxRoomRemovedEvent {
    type: "inbox.room_removed";
    roomId: string;
    timestamp: Timestamp;
}
/** Every event an inbox subscription delivers. */
export type InboxEvent = InboxRoomAddedEvent | InboxRoomUpdatedEvent | InboxRoomRemovedEvent;
/** The first frame of every connection. */
export interface WelcomeFrame {
    type: "welcome";
    protocol: string;
    accountId: string;
    accountKind: AccountKind;
    maxMessageBytes: number;
}
/** Arguments of `messages.post`. */
export interface PostMessage {
    text?: string;
    format?: MessageFormat;
    /** Assets to attach: ready ones from the sender's own space or the room's library. */
    attachments?: readonly AttachmentRef[];
    data?: unknown;
    replyToId?: string;
    /** The idempotency key; the client generates one when absent. */
    clientMessageId?: string;
}
/** Arguments of `messages.edit`; absent fields stay as they are. */
export interface EditMessage {
    text?: string;
    format?: MessageFormat;
    /** Replaces the attachments (`[]` removes them all). */
    attachments?: readonly AttachmentRef[];
    data?: unknown;
}
/** Arguments of `stream.begin`. */
export interface BeginStream {
    format?: MessageFormat;
    data?: unknown;
    replyToId?: string;
    clientMessageId?: string;
}
/** A page request of `messages.history`: `before` and `after` are sequences; `limit` defaults to 50 on the server. */
export interface HistoryQuery {
    before?: number;
    after?: number;
    limit?: number;
}
/** Where an asset is in its life: reserved and uploading, uploaded and checked, or being removed. */
export type AssetStatus = "pending" | "ready" | "deleting";
/**
 * The space an asset or folder belongs to: a room's library (`room:{roomId}`: participants read, members upload, admins
 * and owners manage) or an account's own space (`account:{accountId}`: only that account).
 */
export type AssetScope = `room:${string}` | `account:${string}`;
/**
 * Names a room's library.
 * @throws TypeError when `roomId` is empty.
 */
export declare function roomScope(roomId: string): AssetScope;
/**
 * Names an account's own space.
 * @throws TypeError when `accountId` is empty.
 */
export declare function accountScope(accountId: string): AssetScope;
/** A file's metadata. Its bytes are reached through short-lived links handed out after an access check. */
export interface Asset {
    id: string;
    scope: AssetScope;
    /** The folder path: `/` for the top, otherwise `/name/name`. */
    folder: string;
    /** The file name (NFC, no path separators). */
    name: string;
    /** The media type declared at upload and checked against the first bytes. */
    mediaType: string;
    /** The size in bytes: declared while pending, measured once ready. */
    size: number;
    /** The lower-case hex SHA-256 of the bytes; absent while pending unless declared. */
    sha256?: string | null;
    uploadedBy: string;
    uploaderKind: AccountKind;
    status: AssetStatus;
    createdAt: Timestamp;
    /** When a pending reservation lapses; absent once ready. */
    expiresAt?: Timestamp | null;
    completedAt?: Timestamp | null;
}
/** A folder in an asset space. */
export interface AssetFolder {
    scope: AssetScope;
    /** The folder's path, such as `/reports/2026`. */
    path: string;
    /** The last segment of `path`. */
    name: string;
    createdBy: string;
    createdAt: Timestamp;
}
/**
 * A request to make straight to storage until `expiresAt`: send exactly this method, URL and headers (the headers are
 * signed). The client returns the URL absolute.
 */
export interface PresignedRequest {
    method: string;
    url: string;
    headers: Record<string, string>;
    expiresAt: Timestamp;
}
/** The result of `assets.upload.begin`: the pending asset and the request that puts its bytes into storage. */
export interface UploadTicket {
    asset: Asset;
    upload: PresignedRequest;
}
/** The result of `assets.link`: a short-lived URL of the bytes (absolute, as the client returns it). */
export interface AssetLink {
    asset: Asset;
    url: string;
    expiresAt: Timestamp;
    /** Whether the bytes are served for display (`inline`: PNG, JPEG, GIF, WebP by default) rather than as a download. */
    inline: boolean;
}
/** A page of a folder: its sub-folders first, then its ready assets, each by name. */
export interface AssetListing {
    folders: AssetFolder[];
    assets: Asset[];
    /** Pass it as `cursor` for the next page; absent on the last. */
    nextCursor?: string | null;
}
/** The message through which an asset is reached: a file someone attached from their own space. */
export interface MessageRef {
    conversationId: string;
    messageId: string;
}
/** Arguments of `assets.upload.begin`. */
export interface BeginUpload {
    /** The space; the caller's own space when absent. */
    scope?: AssetScope;
    /** The folder path; missing folders are created. Default `/`. */
    folder?: string;
    name: string;
    /** The media type; `application/octet-stream` when empty. */
    mediaType: string;
    /** The exact size in bytes; the upload is refused if what arrives differs. */
    size: number;
    /** The lower-case hex SHA-256 of the bytes, checked when the upload completes. */
    sha256?: string;
}
/** A page request of `assets.list`: `folder` defaults to `/`, `limit` to 100 on the server. */
export interface AssetListQuery {
    folder?: string;
    cursor?: string;
    limit?: number;
}
/** Arguments of `assets.move`; an absent field stays as it is. */
export interface AssetMove {
    folder?: string;
    name?: string;
}
