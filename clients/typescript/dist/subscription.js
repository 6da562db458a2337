import { isMessageLogEvent } from "./protocol.js";
/**
 * A queue that an async iterator reads: unbounded, because the socket must always be drained (a subscriber that falls
 * behind only grows its own queue).
 */
class EventQueue {
    #items = [];
    #waiting = null;
    #waitingError = null;
    #ended = false;
    #error = undefined;
    push(item) {
        if (this.#ended) {
            return;
        }
        if (this.#waiting) {
            const resolve = this.#waiting;
            this.#waiting = this.#waitingError = null;
            resolve({ value: item, done: false });
        }
        else {
            this.#items.push(item);
        }
    }
    end(error) {
        if (this.#ended) {
            return;
        }
        this.#ended = true;
        this.#error = error;
        if (this.#waiting) {
            const resolve = this.#waiting;
            const reject = this.#waitingError;
            this.#waiting = this.#waitingError = null;
            if (error === undefined) {
                resolve({ value: undefined, done: true });
            }
            else {
                reject(error);
            }
        }
    }
    next() {
        if (this.#items.length > 0) {
            return Promise.resolve({ value: this.#items.shift(), done: false });
        }
        if (this.#ended) {
            return this.#error === undefined ? Promise.resolve({ value: undefined, done: true }) : Promise.reject(this.#error);
        }
        return new Promise((resolve, reject) => {
            this.#waiting = resolve;
            this.#waitingError = reject;
        });
    }
}
/** The common part of conversation and room subscriptions. */
export class Subscription {
    #host;
    #onEvent;
    #onEnd;
    #queue;
    #ended = false;
    #error;
    #endedListeners = [];
    /** @internal Whether the server acknowledged the first subscribe (resubscribed after reconnects only then). */
    acknowledged = false;
    /** @internal */
    constructor(host, onEvent, onEnd) {
        this.#host = host;
        this.#onEvent = onEvent;
        this.#onEnd = onEnd;
        this.#queue = onEvent ? null : new EventQueue();
    }
    /** Whether the subscription has ended. */
    get ended() {
        return this.#ended;
    }
    /** The error the server ended the subscription with, if it did. */
    get error() {
        return this.#error;
    }
    /**
     * Stops following: sends the unsubscribe command when connected, and ends iteration. Safe to call more than once.
     * @returns A promise that settles when the server acknowledged (or at once when offline).
     */
    close() {
        if (this.#ended) {
            return Promise.resolve();
        }
        this.end();
        return this.#host.unsubscribe(this);
    }
    /** Calls `listener` once when the subscription ends (at once if it has). Returns a function that removes it. */
    onEnded(listener) {
        if (this.#ended) {
            listener(this.#error);
            return () => { };
        }
        this.#endedListeners.push(listener);
        return () => {
            this.#endedListeners = this.#endedListeners.filter((l) => l !== listener);
        };
    }
    /** Iterates the events, in order, until the subscription ends (then iteration stops, or throws its error). */
    [Symbol.asyncIterator]() {
        if (!this.#queue) {
            this.#queue = new EventQueue();
            if (this.#ended) {
                this.#queue.end(this.#error);
            }
        }
        const queue = this.#queue;
        return {
            next: () => queue.next(),
            return: async () => {
                await this.close();
                return { value: undefined, done: true };
            },
        };
    }
    /** @internal Hands one event to the listener and the iterator. */
    emit(event) {
        if (this.#ended) {
            return;
        }
        this.#queue?.push(event);
        if (this.#onEvent) {
            try {
                this.#onEvent(event);
            }
            catch (e) {
                setTimeout(() => {
                    throw e;
                });
            }
        }
    }
    /** @internal Ends the subscription, with the server's error if any. */
    end(error) {
        if (this.#ended) {
            return;
        }
        this.#ended = true;
        this.#error = error;
        this.#queue?.end(error);
        const listeners = [this.#onEnd, ...this.#endedListeners];
        this.#endedListeners = [];
        for (const listener of listeners) {
            try {
                listener?.(error);
            }
            catch (e) {
                setTimeout(() => {
                    throw e;
                });
            }
        }
    }
}
/**
 * A conversation followed from a sequence: every change of its log after that sequence, then live events (deltas,
 * snapshots, typing, read markers, flow failures). After a reconnect the client resubscribes from {@link lastSequence}:
 * each log change arrives exactly once, in order.
 */
export class ConversationSubscription extends Subscription {
    /** The conversation followed. */
    conversationId;
    #lastSequence;
    #conversation;
    /** @internal */
    constructor(host, conversationId, afterSequence, options) {
        super(host, options.onEvent, options.onEnd);
        this.conversationId = conversationId;
        this.#lastSequence = afterSequence;
    }
    /** @internal */
    get key() {
        return "c:" + this.conversationId;
    }
    /** The highest log sequence delivered so far (or the starting point). */
    get lastSequence() {
        return this.#lastSequence;
    }
    /** The conversation as the server last acknowledged the subscription, with its `lastSequence` then. */
    get conversation() {
        return this.#conversation;
    }
    /** @internal */
    acknowledge(conversation) {
        this.acknowledged = true;
        if (conversation) {
            this.#conversation = conversation;
        }
    }
    /** @internal Delivers an event unless it is a log change already delivered. */
    deliver(event) {
        if (isMessageLogEvent(event)) {
            if (event.sequence <= this.#lastSequence) {
                return;
            }
            this.#lastSequence = event.sequence;
        }
        this.emit(event);
    }
}
/** A room followed live: participants added, updated and removed, conversations created. Room events are not replayed. */
export class RoomSubscription extends Subscription {
    /** The room followed. */
    roomId;
    #room;
    /** @internal */
    constructor(host, roomId, options) {
        super(host, options.onEvent, options.onEnd);
        this.roomId = roomId;
    }
    /** @internal */
    get key() {
        return "r:" + this.roomId;
    }
    /** The room as the server last acknowledged the subscription. */
    get room() {
        return this.#room;
    }
    /** @internal */
    acknowledge(room) {
        this.acknowledged = true;
        if (room) {
            this.#room = room;
        }
    }
    /** @internal */
    deliver(event) {
        this.emit(event);
    }
}
/**
 * The account's inbox, followed live: rooms joined and left, and entries whose last message, unread count or read position
 * changed. It keeps the current entries ({@link entries}, newest activity first); after a reconnect the client subscribes
 * again with the version of every entry held, so only what changed meanwhile arrives, once.
 */
export class InboxSubscription extends Subscription {
    #entries = new Map();
    /** @internal */
    constructor(host, options) {
        super(host, options.onEvent, options.onEnd);
        for (const entry of options.entries ?? [])
            this.#entries.set(entry.room.id, entry);
    }
    /** @internal */
    get key() {
        return "inbox";
    }
    /** The entries held, newest activity first (then by room id). */
    get entries() {
        return [...this.#entries.values()].sort(compareEntries);
    }
    /** The entry of one room, if held. */
    entry(roomId) {
        return this.#entries.get(roomId);
    }
    /** Unread messages over every room held. */
    get unreadCount() {
        let n = 0;
        for (const entry of this.#entries.values())
            n += entry.unreadCount;
        return n;
    }
    /** @internal The versions held, sent when subscribing again. */
    known() {
        const known = {};
        for (const [roomId, entry] of this.#entries)
            known[roomId] = entry.version;
        return known;
    }
    /** @internal Applies an event unless it repeats what is held. */
    deliver(event) {
        if (event.type === "inbox.room_removed") {
            if (!this.#entries.delete(event.roomId))
                return;
        }
        else {
            const held = this.#entries.get(event.roomId);
            if (held && held.version >= event.entry.version)
                return;
            this.#entries.set(event.roomId, event.entry);
        }
        this.emit(event);
    }
}
function compareEntries(a, b) {
    const byTime = Date.parse(b.lastActivityAt) - Date.parse(a.lastActivityAt);
    if (byTime !== 0 && !Number.isNaN(byTime))
        return byTime;
    return a.room.id < b.room.id ? -1 : a.room.id > b.room.id ? 1 : 0;
}
