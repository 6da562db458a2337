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
/** A file attached to a message. */
export interface Attachment {
    name: string;
    mediaType: string;
    size?: number;
    reference: string;
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
    attachments?: Attachment[];
    data?: unknown;
    replyToId?: string;
    /** The idempotency key; the client generates one when absent. */
    clientMessageId?: string;
}
/** Arguments of `messages.edit`; absent fields stay as they are. */
export interface EditMessage {
    text?: string;
    format?: MessageFormat;
    attachments?: Attachment[];
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
