import type { ConversationsError } from "./errors.js";
import type { Conversation, ConversationEvent, InboxEntry, InboxEvent, Room, RoomEvent } from "./protocol.js";
/** Options of {@link ConversationsClient.subscribe}. */
export interface SubscribeOptions {
    /** The last sequence already seen; events after it are delivered. Default 0: the whole log. */
    afterSequence?: number;
    /**
     * Called with each event, synchronously, in order. When given, events are not buffered for `for await` unless you start
     * iterating; without it, events are buffered from the start for iteration.
     */
    onEvent?: (event: ConversationEvent) => void;
    /** Called once when the subscription ends: without an error when closed, with one when the server ended it. */
    onEnd?: (error?: ConversationsError) => void;
    /** Cancels the subscribe command, and ends the subscription when aborted later. */
    signal?: AbortSignal;
}
/** Options of {@link ConversationsClient.subscribeRoom}. */
export interface SubscribeRoomOptions {
    /** Called with each room event, synchronously, in order. */
    onEvent?: (event: RoomEvent) => void;
    /** Called once when the subscription ends. */
    onEnd?: (error?: ConversationsError) => void;
    /** Cancels the subscribe command, and ends the subscription when aborted later. */
    signal?: AbortSignal;
}
/** What a subscription needs from its client. @internal */
export interface SubscriptionHost {
    unsubscribe(subscription: Subscription<never>): Promise<void>;
}
/** The common part of conversation and room subscriptions. */
export declare abstract class Subscription<E> implements AsyncIterable<E> {
    #private;
    /** @internal Whether the server acknowledged the first subscribe (resubscribed after reconnects only then). */
    acknowledged: boolean;
    /** @internal */
    protected constructor(host: SubscriptionHost, onEvent: ((event: E) => void) | undefined, onEnd: ((error?: ConversationsError) => void) | undefined);
    /** @internal The key the client files the subscription under. */
    abstract get key(): string;
    /** Whether the subscription has ended. */
    get ended(): boolean;
    /** The error the server ended the subscription with, if it did. */
    get error(): ConversationsError | undefined;
    /**
     * Stops following: sends the unsubscribe command when connected, and ends iteration. Safe to call more than once.
     * @returns A promise that settles when the server acknowledged (or at once when offline).
     */
    close(): Promise<void>;
    /** Calls `listener` once when the subscription ends (at once if it has). Returns a function that removes it. */
    onEnded(listener: (error?: ConversationsError) => void): () => void;
    /** Iterates the events, in order, until the subscription ends (then iteration stops, or throws its error). */
    [Symbol.asyncIterator](): AsyncIterator<E>;
    /** @internal Hands one event to the listener and the iterator. */
    protected emit(event: E): void;
    /** @internal Ends the subscription, with the server's error if any. */
    end(error?: ConversationsError): void;
}
/**
 * A conversation followed from a sequence: every change of its log after that sequence, then live events (deltas,
 * snapshots, typing, read markers, flow failures). After a reconnect the client resubscribes from {@link lastSequence}:
 * each log change arrives exactly once, in order.
 */
export declare class ConversationSubscription extends Subscription<ConversationEvent> {
    #private;
    /** The conversation followed. */
    readonly conversationId: string;
    /** @internal */
    constructor(host: SubscriptionHost, conversationId: string, afterSequence: number, options: SubscribeOptions);
    /** @internal */
    get key(): string;
    /** The highest log sequence delivered so far (or the starting point). */
    get lastSequence(): number;
    /** The conversation as the server last acknowledged the subscription, with its `lastSequence` then. */
    get conversation(): Conversation | undefined;
    /** @internal */
    acknowledge(conversation: Conversation | undefined): void;
    /** @internal Delivers an event unless it is a log change already delivered. */
    deliver(event: ConversationEvent): void;
}
/** A room followed live: participants added, updated and removed, conversations created. Room events are not replayed. */
export declare class RoomSubscription extends Subscription<RoomEvent> {
    #private;
    /** The room followed. */
    readonly roomId: string;
    /** @internal */
    constructor(host: SubscriptionHost, roomId: string, options: SubscribeRoomOptions);
    /** @internal */
    get key(): string;
    /** The room as the server last acknowledged the subscription. */
    get room(): Room | undefined;
    /** @internal */
    acknowledge(room: Room | undefined): void;
    /** @internal */
    deliver(event: RoomEvent): void;
}
/** Options of {@link ConversationsClient.subscribeInbox}. */
export interface SubscribeInboxOptions {
    /**
     * Entries you already hold (from {@link ConversationsClient.inbox}, or stored from an earlier subscription): the server then
     * sends only what differs from them. Default: none, so every room arrives as `inbox.room_added`.
     */
    entries?: InboxEntry[];
    /** Called with each event, synchronously, in order, after {@link InboxSubscription.entries} reflects it. */
    onEvent?: (event: InboxEvent) => void;
    /** Called once when the subscription ends. */
    onEnd?: (error?: ConversationsError) => void;
    /** Cancels the subscribe command, and ends the subscription when aborted later. */
    signal?: AbortSignal;
}
/**
 * The account's inbox, followed live: rooms joined and left, and entries whose last message, unread count or read position
 * changed. It keeps the current entries ({@link entries}, newest activity first); after a reconnect the client subscribes
 * again with the version of every entry held, so only what changed meanwhile arrives, once.
 */
export declare class InboxSubscription extends Subscription<InboxEvent> {
    #private;
    /** @internal */
    constructor(host: SubscriptionHost, options: SubscribeInboxOptions);
    /** @internal */
    get key(): string;
    /** The entries held, newest activity first (then by room id). */
    get entries(): InboxEntry[];
    /** The entry of one room, if held. */
    entry(roomId: string): InboxEntry | undefined;
    /** Unread messages over every room held. */
    get unreadCount(): number;
    /** @internal The versions held, sent when subscribing again. */
    known(): Record<string, number>;
    /** @internal Applies an event unless it repeats what is held. */
    deliver(event: InboxEvent): void;
}
