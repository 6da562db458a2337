import type { ConversationsClient } from "./client.js";
import { ConversationsError } from "./errors.js";
import type { EditMessage, FlowFailedEvent, Message, MessageFormat, PostMessage } from "./protocol.js";
import type { ConversationSubscription } from "./subscription.js";
/** The state of one item of a {@link ConversationView}. */
export type ViewMessageStatus = "pending" | "unsent" | "streaming" | "complete" | "failed" | "stopped" | "deleted";
/**
 * One message as a view shows it. Items are updated in place: keep a reference (or its {@link ViewMessage.key}) to update
 * what you rendered for it.
 */
export interface ViewMessage {
    /** A key that stays the same for the item's life, also when a pending post becomes the stored message. */
    readonly key: string;
    /** The stored message; `null` while a post of this client waits to be stored. */
    message: Message | null;
    /** The text to show: the assembled text while streaming, the pending text while pending, "" when deleted. */
    text: string;
    /** Where the item stands. */
    status: ViewMessageStatus;
    /** Who sent it. */
    senderId: string;
    /** The client message id, for posts of this client. */
    clientMessageId: string | null;
    /** The log sequence of the message, or `null` while pending. */
    sequence: number | null;
    /** Why a post could not be stored (status `unsent`). */
    error: ConversationsError | null;
}
/** Options of {@link openConversation}. */
export interface OpenConversationOptions {
    /** How many of the latest messages to load first. Default 50. */
    historyLimit?: number;
    /** How long someone counts as typing after their last typing event, in milliseconds. Default 6,000. */
    typingTimeoutMs?: number;
    /** Cancels opening. */
    signal?: AbortSignal;
}
/** The events of a {@link ConversationView}. */
export interface ConversationViewEvents {
    /** An item was added or changed (text, status, sequence). */
    message: [item: ViewMessage];
    /** Older messages were loaded at the top (in ascending order). */
    older: [items: ViewMessage[]];
    /** An item went away: a pending post whose stored message was already shown under another item. */
    removed: [item: ViewMessage];
    /** The set of other accounts typing changed. */
    typing: [accountIds: string[]];
    /** A read marker moved. */
    read: [accountId: string, sequence: number];
    /** An agent's flow failed. */
    flowFailed: [event: FlowFailedEvent];
    /** The subscription ended (for example the caller left the room); the view no longer updates. */
    ended: [error?: ConversationsError];
}
/**
 * A conversation as a chat screen needs it: the latest messages, kept current by a resuming subscription, with streamed
 * replies assembled, this client's posts shown at once (and kept in the offline queue until stored), typing and read
 * markers. Every log change is applied once, whatever the reconnects.
 *
 * Create one with {@link openConversation}.
 *
 * @example
 * ```ts
 * const view = await openConversation(client, conversationId);
 * view.on("message", (item) => render(item));
 * view.items.forEach(render);
 * await view.send("hello");
 * ```
 */
export declare class ConversationView {
    #private;
    /** The conversation shown. */
    readonly conversationId: string;
    /** @internal Use {@link openConversation}. */
    constructor(client: ConversationsClient, conversationId: string, typingTimeoutMs: number);
    /** The items, stored ones by sequence, then this client's pending posts in the order sent. */
    get items(): readonly ViewMessage[];
    /** Whether older messages exist before the first loaded one. */
    get hasMore(): boolean;
    /** The highest log sequence applied. */
    get lastSequence(): number;
    /** The sequence of the oldest loaded message, or `null` when none is loaded. */
    get oldestSequence(): number | null;
    /** Other accounts typing now. */
    get typing(): string[];
    /** Each account's read marker (highest sequence read). */
    get readMarkers(): ReadonlyMap<string, number>;
    /** The subscription that keeps the view current. */
    get subscription(): ConversationSubscription | null;
    /** Adds a listener; returns a function that removes it. */
    on<K extends keyof ConversationViewEvents>(name: K, listener: (...args: ConversationViewEvents[K]) => void): () => void;
    /**
     * Posts a message: the item appears at once with status `pending` (a `message` event), waits in the client's offline
     * queue while disconnected, and becomes the stored message when the server acknowledges it or its event arrives —
     * exactly once. A refused post turns `unsent`, with the error.
     * @returns The stored message.
     */
    send(message: string | (PostMessage & {
        format?: MessageFormat;
    }), options?: {
        signal?: AbortSignal;
    }): Promise<Message>;
    /**
     * Sends a post that was not sent (status `unsent`) again, with the same client message id: it turns `pending`, and the
     * server stores it at most once whatever happened to the first try.
     * @throws ConversationsError `conflict` when the item is not an unsent post of this view.
     */
    retry(item: ViewMessage, options?: {
        signal?: AbortSignal;
    }): Promise<Message>;
    /** Edits a stored message (yours, or any as an admin); the change arrives as an update of the item. */
    edit(item: ViewMessage, changes: string | EditMessage, options?: {
        signal?: AbortSignal;
    }): Promise<Message>;
    /** Deletes a stored message; the item turns `deleted` and keeps its place. */
    delete(item: ViewMessage, options?: {
        signal?: AbortSignal;
    }): Promise<Message>;
    /** Stops a message that is streaming (an agent's reply): it keeps the text so far and turns `stopped`. */
    stop(item: ViewMessage, options?: {
        signal?: AbortSignal;
    }): Promise<Message>;
    /** Asks the agent that wrote `item` to answer again: the item turns `deleted` and the new reply arrives as a new item. */
    regenerate(item: ViewMessage, options?: {
        signal?: AbortSignal;
    }): Promise<Message>;
    /** The item of a stored message, if loaded (for example the message a reply quotes). */
    find(messageId: string): ViewMessage | undefined;
    /**
     * Loads the page of messages before the oldest loaded one.
     * @returns The items added (in ascending order); empty when there is nothing older.
     */
    loadOlder(limit?: number, options?: {
        signal?: AbortSignal;
    }): Promise<ViewMessage[]>;
    /**
     * Tells the others that this account is typing, at most once every 3 seconds however often it is called (call it on each
     * key press). Does nothing while disconnected.
     */
    notifyTyping(): void;
    /**
     * Moves this account's read marker to `sequence` (default: the last sequence applied), if that is further than already
     * sent. Failures are ignored: the next call sends it again.
     */
    markRead(sequence?: number): void;
    /** Stops following the conversation. Pending posts stay in the client's queue and are still delivered. */
    close(): Promise<void>;
    /** @internal Loads the latest page, subscribes after it, and reads the markers. */
    load(historyLimit: number, signal: AbortSignal | undefined): Promise<void>;
}
/**
 * Opens a {@link ConversationView}: loads the latest messages, then follows the conversation from there.
 * @param client - A client (connecting or connected).
 * @param conversationId - The conversation.
 * @param options - How much history to load first, and a signal.
 */
export declare function openConversation(client: ConversationsClient, conversationId: string, options?: OpenConversationOptions): Promise<ConversationView>;
