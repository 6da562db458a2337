import type { ConversationsClient } from "./client.js";
import { Emitter } from "./emitter.js";
import { ConversationsError } from "./errors.js";
import { newClientMessageId } from "./internal.js";
import type { ConversationEvent, EditMessage, FlowFailedEvent, Message, MessageFormat, PostMessage } from "./protocol.js";
import { isMessageLogEvent } from "./protocol.js";
import { MessageTextAssembler } from "./streaming-text.js";
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
export class ConversationView {
  /** The conversation shown. */
  readonly conversationId: string;
  readonly #client: ConversationsClient;
  readonly #events = new Emitter<ConversationViewEvents>();
  readonly #assembler = new MessageTextAssembler();
  readonly #byId = new Map<string, ViewMessage>();
  readonly #pending = new Map<string, ViewMessage>();
  /** What each post of this client asked for, by client message id, until it is stored (kept for {@link retry}). */
  readonly #posts = new Map<string, PostMessage>();
  readonly #typing = new Map<string, ReturnType<typeof setTimeout>>();
  readonly #readMarkers = new Map<string, number>();
  readonly #typingTimeout: number;
  #items: ViewMessage[] = [];
  #sorted = true;
  #subscription: ConversationSubscription | null = null;
  #hasMore = false;
  #lastSequence = 0;
  #readSent = 0;
  #typingSentAt = 0;
  #closed = false;

  /** @internal Use {@link openConversation}. */
  constructor(client: ConversationsClient, conversationId: string, typingTimeoutMs: number) {
    this.#client = client;
    this.conversationId = conversationId;
    this.#typingTimeout = typingTimeoutMs;
  }

  /** The items, stored ones by sequence, then this client's pending posts in the order sent. */
  get items(): readonly ViewMessage[] {
    if (!this.#sorted) {
      this.#items.sort(compareItems);
      this.#sorted = true;
    }
    return this.#items;
  }

  /** Whether older messages exist before the first loaded one. */
  get hasMore(): boolean {
    return this.#hasMore;
  }

  /** The highest log sequence applied. */
  get lastSequence(): number {
    return this.#lastSequence;
  }

  /** The sequence of the oldest loaded message, or `null` when none is loaded. */
  get oldestSequence(): number | null {
    let oldest: number | null = null;
    for (const item of this.#byId.values()) {
      if (item.sequence !== null && (oldest === null || item.sequence < oldest)) oldest = item.sequence;
    }
    return oldest;
  }

  /** Other accounts typing now. */
  get typing(): string[] {
    return [...this.#typing.keys()];
  }

  /** Each account's read marker (highest sequence read). */
  get readMarkers(): ReadonlyMap<string, number> {
    return this.#readMarkers;
  }

  /** The subscription that keeps the view current. */
  get subscription(): ConversationSubscription | null {
    return this.#subscription;
  }

  /** Adds a listener; returns a function that removes it. */
  on<K extends keyof ConversationViewEvents>(name: K, listener: (...args: ConversationViewEvents[K]) => void): () => void {
    return this.#events.on(name, listener);
  }

  /**
   * Posts a message: the item appears at once with status `pending` (a `message` event), waits in the client's offline
   * queue while disconnected, and becomes the stored message when the server acknowledges it or its event arrives —
   * exactly once. A refused post turns `unsent`, with the error.
   * @returns The stored message.
   */
  send(message: string | (PostMessage & { format?: MessageFormat }), options: { signal?: AbortSignal } = {}): Promise<Message> {
    const post: PostMessage = typeof message === "string" ? { text: message } : { ...message };
    post.clientMessageId ??= newClientMessageId();
    const item: ViewMessage = {
      key: "local:" + post.clientMessageId,
      message: null,
      text: post.text ?? "",
      status: "pending",
      senderId: this.#client.accountId ?? "",
      clientMessageId: post.clientMessageId,
      sequence: null,
      error: null,
    };
    this.#add(item);
    return this.#deliver(item, post, options);
  }

  /**
   * Sends a post that was not sent (status `unsent`) again, with the same client message id: it turns `pending`, and the
   * server stores it at most once whatever happened to the first try.
   * @throws ConversationsError `conflict` when the item is not an unsent post of this view.
   */
  retry(item: ViewMessage, options: { signal?: AbortSignal } = {}): Promise<Message> {
    const post = item.clientMessageId ? this.#posts.get(item.clientMessageId) : undefined;
    if (item.status !== "unsent" || !post) {
      return Promise.reject(new ConversationsError("conflict", "Only a post that was not sent can be sent again."));
    }
    return this.#deliver(item, post, options);
  }

  /** Edits a stored message (yours, or any as an admin); the change arrives as an update of the item. */
  edit(item: ViewMessage, changes: string | EditMessage, options: { signal?: AbortSignal } = {}): Promise<Message> {
    return this.#client.edit(this.conversationId, this.#storedId(item), typeof changes === "string" ? { text: changes } : changes, options);
  }

  /** Deletes a stored message; the item turns `deleted` and keeps its place. */
  delete(item: ViewMessage, options: { signal?: AbortSignal } = {}): Promise<Message> {
    return this.#client.delete(this.conversationId, this.#storedId(item), options);
  }

  /** Stops a message that is streaming (an agent's reply): it keeps the text so far and turns `stopped`. */
  stop(item: ViewMessage, options: { signal?: AbortSignal } = {}): Promise<Message> {
    return this.#client.stop(this.conversationId, this.#storedId(item), options);
  }

  /** Asks the agent that wrote `item` to answer again: the item turns `deleted` and the new reply arrives as a new item. */
  regenerate(item: ViewMessage, options: { signal?: AbortSignal } = {}): Promise<Message> {
    return this.#client.regenerate(this.conversationId, this.#storedId(item), options);
  }

  /** The item of a stored message, if loaded (for example the message a reply quotes). */
  find(messageId: string): ViewMessage | undefined {
    return this.#byId.get(messageId);
  }

  #storedId(item: ViewMessage): string {
    if (!item.message) {
      throw new ConversationsError("conflict", "The message is not stored yet.");
    }
    return item.message.id;
  }

  #deliver(item: ViewMessage, post: PostMessage, options: { signal?: AbortSignal }): Promise<Message> {
    const clientMessageId = post.clientMessageId!;
    this.#posts.set(clientMessageId, post);
    this.#pending.set(clientMessageId, item);
    item.status = "pending";
    item.error = null;
    this.#events.emit("message", item);
    const sent = this.#client.post(this.conversationId, post, options);
    sent.then(
      (stored) => {
        this.#posts.delete(clientMessageId);
        if (this.#pending.get(clientMessageId) === item) {
          this.#pending.delete(clientMessageId);
          this.#settle(item, stored);
        }
      },
      (error: unknown) => {
        if (this.#pending.get(clientMessageId) === item) {
          this.#pending.delete(clientMessageId);
          item.status = "unsent";
          item.error = ConversationsError.is(error) ? error : new ConversationsError("unavailable", String(error), { cause: error });
          this.#events.emit("message", item);
        }
      },
    );
    return sent;
  }

  /**
   * Loads the page of messages before the oldest loaded one.
   * @returns The items added (in ascending order); empty when there is nothing older.
   */
  async loadOlder(limit = 50, options: { signal?: AbortSignal } = {}): Promise<ViewMessage[]> {
    const oldest = this.oldestSequence;
    if (!this.#hasMore || oldest === null) {
      return [];
    }
    const page = await this.#client.history(this.conversationId, { before: oldest, limit }, options);
    this.#hasMore = page.hasMore;
    const added: ViewMessage[] = [];
    for (const message of page.messages) {
      if (!this.#byId.has(message.id)) {
        added.push(this.#fromMessage(message, false, false));
      }
    }
    if (added.length > 0) {
      this.#events.emit("older", added);
    }
    return added;
  }

  /**
   * Tells the others that this account is typing, at most once every 3 seconds however often it is called (call it on each
   * key press). Does nothing while disconnected.
   */
  notifyTyping(): void {
    const now = Date.now();
    if (this.#closed || this.#client.state !== "open" || now - this.#typingSentAt < 3_000) return;
    this.#typingSentAt = now;
    this.#client.setTyping(this.conversationId, true).catch(() => {});
  }

  /**
   * Moves this account's read marker to `sequence` (default: the last sequence applied), if that is further than already
   * sent. Failures are ignored: the next call sends it again.
   */
  markRead(sequence = this.#lastSequence): void {
    if (this.#closed || sequence <= this.#readSent || this.#client.state !== "open") return;
    const previous = this.#readSent;
    this.#readSent = sequence;
    this.#client.markRead(this.conversationId, sequence).catch(() => {
      if (this.#readSent === sequence) this.#readSent = previous;
    });
  }

  /** Stops following the conversation. Pending posts stay in the client's queue and are still delivered. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const timer of this.#typing.values()) clearTimeout(timer);
    this.#typing.clear();
    const subscription = this.#subscription;
    this.#subscription = null;
    this.#events.clear();
    await subscription?.close();
  }

  /** @internal Loads the latest page, subscribes after it, and reads the markers. */
  async load(historyLimit: number, signal: AbortSignal | undefined): Promise<void> {
    const page = await this.#client.history(this.conversationId, { limit: historyLimit }, { signal });
    this.#hasMore = page.hasMore;
    let after = 0;
    for (const message of page.messages) {
      this.#fromMessage(message, false, false);
      after = Math.max(after, message.lastSequence ?? message.sequence);
    }
    this.#lastSequence = after;
    this.#subscription = await this.#client.subscribe(this.conversationId, {
      afterSequence: after,
      signal,
      onEvent: (e) => this.#apply(e),
      onEnd: (error) => {
        if (!this.#closed) this.#events.emit("ended", error);
      },
    });
    try {
      const markers = await this.#client.readMarkers(this.conversationId, { signal });
      for (const marker of markers) {
        this.#readMarkers.set(marker.accountId, Math.max(marker.sequence, this.#readMarkers.get(marker.accountId) ?? 0));
        if (marker.accountId === this.#client.accountId) this.#readSent = Math.max(this.#readSent, marker.sequence);
      }
    } catch (e) {
      if (signal?.aborted) throw e;
      // Markers are a nicety; the view works without them.
    }
  }

  #apply(e: ConversationEvent): void {
    if (this.#closed) return;
    if (isMessageLogEvent(e)) {
      this.#lastSequence = Math.max(this.#lastSequence, e.sequence);
      const message = e.message;
      const known = this.#byId.get(message.id);
      if (known) {
        if (known.message && (message.lastSequence ?? e.sequence) <= (known.message.lastSequence ?? 0)) return; // already applied
        this.#update(known, message, e.type === "conversation.message_deleted");
      } else if (message.clientMessageId && this.#pending.has(message.clientMessageId) && (this.#client.accountId === undefined || message.senderId === this.#client.accountId)) {
        const item = this.#pending.get(message.clientMessageId)!;
        this.#pending.delete(message.clientMessageId);
        this.#posts.delete(message.clientMessageId);
        this.#settle(item, message);
      } else {
        const oldest = this.oldestSequence;
        if (e.type !== "conversation.message_posted" && oldest !== null && message.sequence < oldest) {
          return; // a change to a message not loaded: loadOlder reads it as it is now
        }
        this.#fromMessage(message, e.type === "conversation.message_deleted");
      }
      if (e.type === "conversation.message_posted") this.#stopTyping(message.senderId);
      return;
    }
    switch (e.type) {
      case "conversation.message_delta":
      case "conversation.message_snapshot": {
        const item = this.#byId.get(e.messageId);
        const text = this.#assembler.apply(e);
        if (item && text && item.status === "streaming") {
          item.text = text.text;
          this.#events.emit("message", item);
        }
        return;
      }
      case "conversation.typing":
        if (e.actorId === this.#client.accountId) return;
        if (e.isTyping) this.#startTyping(e.actorId);
        else this.#stopTyping(e.actorId);
        return;
      case "conversation.read":
        if (e.sequence > (this.#readMarkers.get(e.actorId) ?? 0)) {
          this.#readMarkers.set(e.actorId, e.sequence);
          this.#events.emit("read", e.actorId, e.sequence);
        }
        return;
      case "conversation.flow_failed":
        this.#events.emit("flowFailed", e);
        return;
      default:
        return;
    }
  }

  #fromMessage(message: Message, deleted = false, emit = true): ViewMessage {
    const item: ViewMessage = {
      key: "m:" + message.id,
      message,
      text: "",
      status: "complete",
      senderId: message.senderId,
      clientMessageId: message.clientMessageId ?? null,
      sequence: message.sequence,
      error: null,
    };
    this.#byId.set(message.id, item);
    this.#update(item, message, deleted, false);
    this.#add(item);
    if (emit) this.#events.emit("message", item);
    return item;
  }

  #settle(item: ViewMessage, message: Message): void {
    const known = this.#byId.get(message.id);
    if (known && known !== item) {
      // The stored message is already shown (from its event): drop the pending copy.
      this.#items = this.#items.filter((i) => i !== item);
      this.#events.emit("removed", item);
      return;
    }
    this.#byId.set(message.id, item);
    item.error = null;
    this.#update(item, message, false);
  }

  #update(item: ViewMessage, message: Message, deleted: boolean, emit = true): void {
    item.message = message;
    item.sequence = message.sequence;
    item.senderId = message.senderId;
    item.clientMessageId = message.clientMessageId ?? item.clientMessageId;
    this.#assembler.observe(message, deleted);
    if (deleted || message.deletedAt) {
      item.status = "deleted";
      item.text = "";
    } else {
      item.status = message.status;
      item.text = this.#assembler.get(message.id)?.text ?? message.text ?? "";
    }
    this.#sorted = false;
    if (emit) this.#events.emit("message", item);
  }

  #add(item: ViewMessage): void {
    this.#items.push(item);
    this.#sorted = false;
  }

  #startTyping(accountId: string): void {
    const had = this.#typing.has(accountId);
    clearTimeout(this.#typing.get(accountId));
    this.#typing.set(accountId, setTimeout(() => this.#stopTyping(accountId), this.#typingTimeout));
    if (!had) this.#events.emit("typing", this.typing);
  }

  #stopTyping(accountId: string): void {
    const timer = this.#typing.get(accountId);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.#typing.delete(accountId);
    this.#events.emit("typing", this.typing);
  }
}

/**
 * Opens a {@link ConversationView}: loads the latest messages, then follows the conversation from there.
 * @param client - A client (connecting or connected).
 * @param conversationId - The conversation.
 * @param options - How much history to load first, and a signal.
 */
export async function openConversation(client: ConversationsClient, conversationId: string, options: OpenConversationOptions = {}): Promise<ConversationView> {
  const view = new ConversationView(client, conversationId, options.typingTimeoutMs ?? 6_000);
  await view.load(options.historyLimit ?? 50, options.signal);
  return view;
}

function compareItems(a: ViewMessage, b: ViewMessage): number {
  if (a.sequence !== null && b.sequence !== null) return a.sequence - b.sequence;
  if (a.sequence !== null) return -1;
  if (b.sequence !== null) return 1;
  return 0; // pending posts keep the order they were sent in (sort is stable)
}
