/**
 * The Conversations client for browsers and Node: speaks `conversations.v1.json` over one WebSocket.
 *
 * - {@link ConversationsClient}: typed commands, reconnects, resuming subscriptions, the offline post queue, streaming,
 *   files (assets).
 * - {@link openConversation} / {@link ConversationView}: a conversation kept current for a chat screen.
 * - {@link MessageTextAssembler}: streamed text from deltas and snapshots, for those who handle raw events.
 *
 * @packageDocumentation
 */
export { ConversationsClient, type AccessTokenProvider, type CallOptions, type ClientEvents, type ClientLogger, type ConnectOptions, type ConnectionState, type ConversationsClientOptions, type FetchFunction, type PostOptions, type UploadFileOptions, type WebSocketConstructor, type WebSocketLike, } from "./client.js";
export { ConversationView, openConversation, type ConversationViewEvents, type OpenConversationOptions, type ViewMessage, type ViewMessageStatus } from "./conversation-view.js";
export { ConversationsError, ErrorCodes, type ErrorCode } from "./errors.js";
export { newClientMessageId } from "./internal.js";
export * from "./protocol.js";
export { ExponentialBackoff, type ExponentialBackoffOptions, type ReconnectPolicy, type RetryContext } from "./reconnect.js";
export { MessageTextAssembler, type AssembledText } from "./streaming-text.js";
export { ConversationSubscription, InboxSubscription, RoomSubscription, Subscription, type SubscribeInboxOptions, type SubscribeOptions, type SubscribeRoomOptions } from "./subscription.js";
