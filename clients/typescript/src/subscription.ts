import type { ConversationsError } from "./errors.js";
import type { Conversation, ConversationEvent, InboxEntry, InboxEvent, Room, RoomEvent } from "./protocol.js";
import { isMessageLogEvent } from "./protocol.js";

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

/**
 * A queue that an async iterator reads: unbounded, because the socket must always be drained (a subscriber that falls
 * behind only grows its own queue).
 */
class EventQueue<T> {
  readonly #items: T[] = [];
  #waiting: ((result: IteratorResult<T>) => void) | null = null;
  #waitingError: ((error: unknown) => void) | null = null;
  #ended = false;
  #error: unknown = undefined;

  push(item: T): void {
    if (this.#ended) {
      return;
    }
    if (this.#waiting) {
      const resolve = this.#waiting;
      this.#waiting = this.#waitingError = null;
      resolve({ value: item, done: false });
    } else {
      this.#items.push(item);
    }
  }

  end(error?: unknown): void {
    if (this.#ended) {
      return;
    }
    this.#ended = true;
    this.#error = error;
    if (this.#waiting) {
      const resolve = this.#waiting;
      const reject = this.#waitingError!;
      this.#waiting = this.#waitingError = null;
      if (error === undefined) {
        resolve({ value: undefined, done: true });
      } else {
        reject(error);
      }
    }
  }

  next(): Promise<IteratorResult<T>> {
    if (this.#items.length > 0) {
      return Promise.resolve({ value: this.#items.shift()!, done: false });
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
export abstract class Subscription<E> implements AsyncIterable<E> {
  readonly #host: SubscriptionHost;
  readonly #onEvent: ((event: E) => void) | undefined;
  readonly #onEnd: ((error?: ConversationsError) => void) | undefined;
  #queue: EventQueue<E> | null;
  #ended = false;
  #error: ConversationsError | undefined;
  #endedListeners: ((error?: ConversationsError) => void)[] = [];
  /** @internal Whether the server acknowledged the first subscribe (resubscribed after reconnects only then). */
  acknowledged = false;

  /** @internal */
  protected constructor(host: SubscriptionHost, onEvent: ((event: E) => void) | undefined, onEnd: ((error?: ConversationsError) => void) | undefined) {
    this.#host = host;
    this.#onEvent = onEvent;
    this.#onEnd = onEnd;
    this.#queue = onEvent ? null : new EventQueue<E>();
  }

  /** @internal The key the client files the subscription under. */
  abstract get key(): string;

  /** Whether the subscription has ended. */
  get ended(): boolean {
    return this.#ended;
  }

  /** The error the server ended the subscription with, if it did. */
  get error(): ConversationsError | undefined {
    return this.#error;
  }

  /**
   * Stops following: sends the unsubscribe command when connected, and ends iteration. Safe to call more than once.
   * @returns A promise that settles when the server acknowledged (or at once when offline).
   */
  close(): Promise<void> {
    if (this.#ended) {
      return Promise.resolve();
    }
    this.end();
    return this.#host.unsubscribe(this as unknown as Subscription<never>);
  }

  /** Calls `listener` once when the subscription ends (at once if it has). Returns a function that removes it. */
  onEnded(listener: (error?: ConversationsError) => void): () => void {
    if (this.#ended) {
      listener(this.#error);
      return () => {};
    }
    this.#endedListeners.push(listener);
    return () => {
      this.#endedListeners = this.#endedListeners.filter((l) => l !== listener);
    };
  }

  /** Iterates the events, in order, until the subscription ends (then iteration stops, or throws its error). */
  [Symbol.asyncIterator](): AsyncIterator<E> {
    if (!this.#queue) {
      this.#queue = new EventQueue<E>();
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
  protected emit(event: E): void {
    if (this.#ended) {
      return;
    }
    this.#queue?.push(event);
    if (this.#onEvent) {
      try {
        this.#onEvent(event);
      } catch (e) {
        setTimeout(() => {
          throw e;
        });
      }
    }
  }

  /** @internal Ends the subscription, with the server's error if any. */
  end(error?: ConversationsError): void {
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
      } catch (e) {
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
export class ConversationSubscription extends Subscription<ConversationEvent> {
  /** The conversation followed. */
  readonly conversationId: string;
  #lastSequence: number;
  #conversation: Conversation | undefined;

  /** @internal */
  constructor(host: SubscriptionHost, conversationId: string, afterSequence: number, options: SubscribeOptions) {
    super(host, options.onEvent, options.onEnd);
    this.conversationId = conversationId;
    this.#lastSequence = afterSequence;
  }

  /** @internal */
  get key(): string {
    return "c:" + this.conversationId;
  }

  /** The highest log sequence delivered so far (or the starting point). */
  get lastSequence(): number {
    return this.#lastSequence;
  }

  /** The conversation as the server last acknowledged the subscription, with its `lastSequence` then. */
  get conversation(): Conversation | undefined {
    return this.#conversation;
  }

  /** @internal */
  acknowledge(conversation: Conversation | undefined): void {
    this.acknowledged = true;
    if (conversation) {
      this.#conversation = conversation;
    }
  }

  /** @internal Delivers an event unless it is a log change already delivered. */
  deliver(event: ConversationEvent): void {
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
export class RoomSubscription extends Subscription<RoomEvent> {
  /** The room followed. */
  readonly roomId: string;
  #room: Room | undefined;

  /** @internal */
  constructor(host: SubscriptionHost, roomId: string, options: SubscribeRoomOptions) {
    super(host, options.onEvent, options.onEnd);
    this.roomId = roomId;
  }

  /** @internal */
  get key(): string {
    return "r:" + this.roomId;
  }

  /** The room as the server last acknowledged the subscription. */
  get room(): Room | undefined {
    return this.#room;
  }

  /** @internal */
  acknowledge(room: Room | undefined): void {
    this.acknowledged = true;
    if (room) {
      this.#room = room;
    }
  }

  /** @internal */
  deliver(event: RoomEvent): void {
    this.emit(event);
  }
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
export class InboxSubscription extends Subscription<InboxEvent> {
  readonly #entries = new Map<string, InboxEntry>();

  /** @internal */
  constructor(host: SubscriptionHost, options: SubscribeInboxOptions) {
    super(host, options.onEvent, options.onEnd);
    for (const entry of options.entries ?? []) this.#entries.set(entry.room.id, entry);
  }

  /** @internal */
  get key(): string {
    return "inbox";
  }

  /** The entries held, newest activity first (then by room id). */
  get entries(): InboxEntry[] {
    return [...this.#entries.values()].sort(compareEntries);
  }

  /** The entry of one room, if held. */
  entry(roomId: string): InboxEntry | undefined {
    return this.#entries.get(roomId);
  }

  /** Unread messages over every room held. */
  get unreadCount(): number {
    let n = 0;
    for (const entry of this.#entries.values()) n += entry.unreadCount;
    return n;
  }

  /** @internal The versions held, sent when subscribing again. */
  known(): Record<string, number> {
    const known: Record<string, number> = {};
    for (const [roomId, entry] of this.#entries) known[roomId] = entry.version;
    return known;
  }

  /** @internal Applies an event unless it repeats what is held. */
  deliver(event: InboxEvent): void {
    if (event.type === "inbox.room_removed") {
      if (!this.#entries.delete(event.roomId)) return;
    } else {
      const held = this.#entries.get(event.roomId);
      if (held && held.version >= event.entry.version) return;
      this.#entries.set(event.roomId, event.entry);
    }
    this.emit(event);
  }
}

function compareEntries(a: InboxEntry, b: InboxEntry): number {
  const byTime = Date.parse(b.lastActivityAt) - Date.parse(a.lastActivityAt);
  if (byTime !== 0 && !Number.isNaN(byTime)) return byTime;
  return a.room.id < b.room.id ? -1 : a.room.id > b.room.id ? 1 : 0;
}
