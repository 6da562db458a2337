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
export { ConversationsClient, } from "./client.js";
export { ConversationView, openConversation } from "./conversation-view.js";
export { ConversationsError, ErrorCodes } from "./errors.js";
export { newClientMessageId } from "./internal.js";
export * from "./protocol.js";
export { ExponentialBackoff } from "./reconnect.js";
export { MessageTextAssembler } from "./streaming-text.js";
export { ConversationSubscription, InboxSubscription, RoomSubscription, Subscription } from "./subscription.js";
