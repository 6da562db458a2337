import { Emitter } from "./emitter.js";
import { ConversationsError, ErrorCodes } from "./errors.js";
import { abortReason, deferred, handshakeError, isObject, newClientMessageId, throwIfAborted } from "./internal.js";
import type {
  AccountKind,
  Asset,
  AssetFolder,
  AssetLink,
  AssetListing,
  AssetListQuery,
  AssetMove,
  AssetScope,
  AttachmentRef,
  BeginStream,
  BeginUpload,
  Conversation,
  ConversationEvent,
  EditMessage,
  HistoryQuery,
  InboxEvent,
  InboxPage,
  InboxQuery,
  Message,
  MessageRef,
  MessageLogEvent,
  MessagePage,
  Participant,
  ParticipantSpec,
  ParticipantUpdate,
  PostMessage,
  ReadMarker,
  Room,
  RoomEvent,
  Timestamp,
  UploadTicket,
  WelcomeFrame,
} from "./protocol.js";
import { SUBPROTOCOL, isMessageLogEvent, isRoomEvent } from "./protocol.js";
import { ExponentialBackoff, type ReconnectPolicy } from "./reconnect.js";
import {
  ConversationSubscription,
  InboxSubscription,
  RoomSubscription,
  type SubscribeInboxOptions,
  type SubscribeOptions,
  type SubscribeRoomOptions,
  type Subscription,
  type SubscriptionHost,
} from "./subscription.js";

/** The part of the standard `WebSocket` this client uses; browsers' `WebSocket` and Node's `ws` both provide it. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code?: number; reason?: string; wasClean?: boolean }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

/** A constructor with the standard `WebSocket` signature, for example `WebSocket` in browsers or `ws`'s in Node. */
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike;

/** Returns the access token for the next connection attempt, or nothing to connect without one (cookies, anonymous). */
export type AccessTokenProvider = (options: { signal: AbortSignal }) => string | null | undefined | Promise<string | null | undefined>;

/**
 * The standard `fetch`, as the client calls it to send a file's bytes to storage: an absolute URL, and `init` with
 * `method`, `headers` (a plain object), `body` (a `Uint8Array`) and `signal`.
 */
export type FetchFunction = (url: string, init: RequestInit) => Promise<Response>;

/** Where the client's diagnostics go. Every method is optional. */
export interface ClientLogger {
  debug?(message: string, ...details: unknown[]): void;
  warn?(message: string, ...details: unknown[]): void;
}

/** Options of {@link ConversationsClient}. */
export interface ConversationsClientOptions {
  /**
   * The WebSocket endpoint: `wss://host/conversations`, or `https://…` (turned into `wss://…`), or in a browser a path
   * relative to the page (`/conversations`).
   */
  url: string | URL;
  /**
   * Supplies the access token, called before every connection attempt (so a reconnect gets a fresh one). The token is sent
   * as the `access_token` query parameter, because browsers cannot set headers on a WebSocket.
   */
  accessToken?: AccessTokenProvider;
  /** The query parameter that carries the token. Default `access_token`. */
  accessTokenParameter?: string;
  /** The WebSocket implementation. Default `globalThis.WebSocket`; in Node 20 pass `WebSocket` from the `ws` package. */
  WebSocket?: WebSocketConstructor;
  /** When and whether to reconnect after the connection is lost. Default {@link ExponentialBackoff}; `false` never reconnects. */
  reconnect?: ReconnectPolicy | false;
  /** How long a command (other than a post) may take, waiting for a connection included. Default 30 s. */
  requestTimeoutMs?: number;
  /** How long one connection attempt may take until the server's welcome. Default 15 s. */
  connectTimeoutMs?: number;
  /**
   * How long the connection may stay silent before the client pings the server; a ping unanswered within
   * `requestTimeoutMs` (at most 10 s) counts as a lost connection. Default 25 s; 0 turns it off.
   */
  heartbeatIntervalMs?: number;
  /** How many posts may wait for a connection at once; more are refused with `limit_exceeded`. Default 1,000. */
  maxQueuedPosts?: number;
  /** Diagnostics (reconnects, unreadable frames). Default: none. */
  logger?: ClientLogger;
  /** Sends file bytes to storage in {@link ConversationsClient.uploadFile}. Default `globalThis.fetch`. */
  fetch?: FetchFunction;
}

/** The connection's state. */
export type ConnectionState = "idle" | "connecting" | "open" | "reconnecting" | "closed";

/** Per-call options. */
export interface CallOptions {
  /** Cancels the call. A command already sent cannot be taken back: aborting only stops waiting for its answer. */
  signal?: AbortSignal;
}

/** Options of {@link ConversationsClient.post}. */
export interface PostOptions extends CallOptions {
  /**
   * How long the post may wait for a connection and its answer, in milliseconds. Default: no limit; a post waits in the
   * offline queue until it is delivered, aborted, or the client is closed.
   */
  timeoutMs?: number;
}

/** Options of {@link ConversationsClient.uploadFile}. */
export interface UploadFileOptions extends CallOptions {
  /** The file name. */
  name: string;
  /** The media type, such as `image/png`. Default: the `Blob`'s type, else `application/octet-stream`. */
  mediaType?: string;
  /** The folder path; missing folders are created. Default `/`. */
  folder?: string;
  /** The space to upload into. Default: the caller's own space. */
  scope?: AssetScope;
  /** Sends the bytes. Default: the client's `fetch` option, else `globalThis.fetch`. */
  fetch?: FetchFunction;
}

/** Options of {@link ConversationsClient.connect}. */
export interface ConnectOptions extends CallOptions {
  /** Keep trying, as the reconnect policy allows, instead of failing after the first attempt. Default false. */
  retry?: boolean;
}

/** The events a client emits; listen with {@link ConversationsClient.on}. */
export interface ClientEvents {
  /** The connection state changed. */
  state: [state: ConnectionState];
  /** A connection was established (the first or a later one). */
  welcome: [welcome: WelcomeFrame];
  /** The connection was lost; the client will try again (`reason` says why it was lost). */
  reconnecting: [reason: unknown];
  /** A later connection was established and subscriptions and queued commands were sent again. */
  reconnected: [welcome: WelcomeFrame];
  /** The client closed for good: by {@link ConversationsClient.close}, or the reconnect policy gave up (then with a reason). */
  closed: [reason?: unknown];
  /** The server sent something this client cannot read; the frame was skipped and the connection kept. */
  protocolError: [error: ConversationsError, raw: unknown];
  /** The server sent an error that answers no command (for example about a malformed frame). */
  serverError: [error: ConversationsError];
}

interface PendingCommand {
  id: string;
  type: string;
  frame: Record<string, unknown>;
  /** Safe to send again after a reconnect (reads, idempotent writes). */
  retryable: boolean;
  /** Sent only when connected; never queued. */
  onlineOnly: boolean;
  post: boolean;
  /** The connection it was last sent on, or 0 when not sent on the current one. */
  sentOn: number;
  resolve(result: unknown): void;
  reject(error: unknown): void;
}

interface Live {
  socket: WebSocketLike;
  serial: number;
  /** Messages that came with or after the welcome before the connection was adopted; handled on adoption. */
  backlog: unknown[];
}

const OPEN = 1;
const CONNECTING = 0;

/**
 * A connection to a Conversations server over one WebSocket speaking `conversations.v1.json`.
 *
 * - Commands are typed, each with a request id, answered by a result or a {@link ConversationsError} with a stable code.
 * - The connection is re-established with exponential backoff and jitter; every subscription resumes from its last
 *   sequence, so each log change arrives exactly once and in order.
 * - Posts carry a generated client message id and wait in an offline queue while disconnected; after a reconnect they are
 *   sent again and the server stores each exactly once.
 * - Every call takes an `AbortSignal`.
 *
 * @example
 * ```ts
 * const client = new ConversationsClient({ url: "/conversations" });
 * await client.connect();
 * const sub = await client.subscribe(conversationId, { onEvent: (e) => console.log(e.type) });
 * await client.post(conversationId, { text: "hello" });
 * ```
 */
export class ConversationsClient implements SubscriptionHost {
  readonly #url: URL;
  readonly #tokenParameter: string;
  readonly #accessToken: AccessTokenProvider | undefined;
  readonly #WebSocket: WebSocketConstructor;
  readonly #reconnect: ReconnectPolicy | null;
  readonly #requestTimeout: number;
  readonly #connectTimeout: number;
  readonly #heartbeatInterval: number;
  readonly #maxQueuedPosts: number;
  readonly #logger: ClientLogger | undefined;
  readonly #fetch: FetchFunction | undefined;
  /** The server's HTTP(S) address: the endpoint URL with ws → http and wss → https, without query. */
  readonly #http: URL;
  readonly #events = new Emitter<ClientEvents>();
  readonly #pending = new Map<string, PendingCommand>();
  readonly #subscriptions = new Map<string, ConversationSubscription | RoomSubscription | InboxSubscription>();

  #state: ConnectionState = "idle";
  #live: Live | null = null;
  #serial = 0;
  #nextId = 1;
  #welcome: WelcomeFrame | null = null;
  #lastReceived = 0;
  #heartbeat: ReturnType<typeof setInterval> | null = null;
  #pinging = false;
  #lifetime = new AbortController();

  /**
   * Creates a client; call {@link connect} next.
   * @throws TypeError when the URL is missing or not ws, wss, http or https, or no WebSocket implementation is available.
   * @throws RangeError when a timeout or limit is not a positive number.
   */
  constructor(options: ConversationsClientOptions) {
    if (!options || options.url === undefined || options.url === null || String(options.url).length === 0) {
      throw new TypeError("ConversationsClient needs options.url, for example \"wss://chat.example.com/conversations\".");
    }
    const base = (globalThis as { location?: { href?: string } }).location?.href;
    let url: URL;
    try {
      url = base ? new URL(String(options.url), base) : new URL(String(options.url));
    } catch {
      throw new TypeError(`ConversationsClient: "${String(options.url)}" is not a valid URL.`);
    }
    if (url.protocol === "http:") url.protocol = "ws:";
    else if (url.protocol === "https:") url.protocol = "wss:";
    if (url.protocol !== "ws:" && url.protocol !== "wss:") {
      throw new TypeError(`ConversationsClient: the URL must be ws, wss, http or https; it is "${url.protocol}".`);
    }
    this.#url = url;
    const http = new URL(url.href);
    http.protocol = url.protocol === "wss:" ? "https:" : "http:";
    http.search = "";
    http.hash = "";
    this.#http = http;
    this.#tokenParameter = options.accessTokenParameter ?? "access_token";
    this.#accessToken = options.accessToken;
    const ctor = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (!ctor) {
      throw new TypeError("No WebSocket implementation: pass options.WebSocket (in Node 20, WebSocket from the \"ws\" package).");
    }
    this.#WebSocket = ctor;
    this.#reconnect = options.reconnect === false ? null : options.reconnect ?? new ExponentialBackoff();
    this.#requestTimeout = positive(options.requestTimeoutMs, 30_000, "requestTimeoutMs");
    this.#connectTimeout = positive(options.connectTimeoutMs, 15_000, "connectTimeoutMs");
    this.#heartbeatInterval = options.heartbeatIntervalMs === 0 ? 0 : positive(options.heartbeatIntervalMs, 25_000, "heartbeatIntervalMs");
    this.#maxQueuedPosts = positive(options.maxQueuedPosts, 1_000, "maxQueuedPosts");
    this.#logger = options.logger;
    if (options.fetch !== undefined && typeof options.fetch !== "function") {
      throw new TypeError("options.fetch must be a function.");
    }
    this.#fetch = options.fetch;
  }

  /** The connection state. */
  get state(): ConnectionState {
    return this.#state;
  }

  /** The account the server identified this client as, once connected. */
  get accountId(): string | undefined {
    return this.#welcome?.accountId;
  }

  /** The account's kind, once connected. */
  get accountKind(): AccountKind | undefined {
    return this.#welcome?.accountKind;
  }

  /** The server's welcome of the current (or last) connection. */
  get welcome(): WelcomeFrame | undefined {
    return this.#welcome ?? undefined;
  }

  /** How many posts wait to be delivered or answered. */
  get queuedPosts(): number {
    let n = 0;
    for (const p of this.#pending.values()) if (p.post) n++;
    return n;
  }

  /**
   * Adds a listener for one of the client's events ({@link ClientEvents}).
   * @returns A function that removes the listener.
   */
  on<K extends keyof ClientEvents>(name: K, listener: (...args: ClientEvents[K]) => void): () => void {
    return this.#events.on(name, listener);
  }

  /**
   * Opens the connection and waits for the server's welcome. Later reconnects are automatic.
   * @returns The welcome: the account the server identified the client as, and the frame size limit.
   * @throws ConversationsError `unauthenticated` or `forbidden` when the server refuses the handshake (where the WebSocket
   *   implementation tells: Node's `ws` does, browsers report every refusal as `unavailable`), `unavailable` when the server
   *   cannot be reached in time.
   * @throws Error when the client is already connecting or connected, or was closed.
   */
  async connect(options: ConnectOptions = {}): Promise<WelcomeFrame> {
    if (this.#state === "closed") {
      throw new Error("This client was closed; create a new one.");
    }
    if (this.#state !== "idle") {
      throw new Error("The client is already connecting or connected; a client connects once and then reconnects by itself.");
    }
    throwIfAborted(options.signal);
    this.#setState("connecting");
    const started = Date.now();
    let attempt = 0;
    for (;;) {
      try {
        const live = await this.#open(options.signal);
        this.#adopt(live, false);
        return this.#welcome!;
      } catch (e) {
        if (this.#closedNow()) {
          throw e;
        }
        const delay = options.retry && !options.signal?.aborted && this.#reconnect
          ? this.#reconnect.nextRetryDelay({ previousRetryCount: ++attempt, elapsedMs: Date.now() - started, reason: e })
          : null;
        if (delay === null) {
          this.#setState("idle");
          throw e;
        }
        this.#logger?.debug?.(`Connection attempt ${attempt} failed; trying again in ${delay} ms.`, e);
        try {
          await this.#sleep(delay, options.signal);
        } catch (aborted) {
          if (!this.#closedNow()) this.#setState("idle");
          throw aborted;
        }
      }
    }
  }

  /**
   * Closes the connection for good. Waiting commands (queued posts included) fail with `unavailable`; subscriptions end.
   */
  async close(): Promise<void> {
    if (this.#state === "closed") {
      return;
    }
    this.#setState("closed");
    this.#lifetime.abort(new ConversationsError(ErrorCodes.unavailable, "The client was closed."));
    this.#stopHeartbeat();
    const live = this.#live;
    this.#live = null;
    if (live) {
      detach(live.socket);
      try {
        live.socket.close(1000, "bye");
      } catch {
        // already closed
      }
    }
    const closed = new ConversationsError(ErrorCodes.unavailable, "The client was closed.");
    for (const pending of [...this.#pending.values()]) {
      this.#pending.delete(pending.id);
      pending.reject(closed);
    }
    for (const subscription of [...this.#subscriptions.values()]) {
      subscription.end();
    }
    this.#subscriptions.clear();
    this.#events.emit("closed");
    this.#events.clear();
  }

  // ---------------------------------------------------------------- rooms and participants

  /** Creates a standard room; the caller joins as owner unless listed. Not repeated after a lost connection. */
  async createRoom(room: { name?: string; participants?: ParticipantSpec[] } = {}, options?: CallOptions): Promise<Room> {
    return this.#request<Room>("rooms.create", { name: room.name, participants: room.participants }, { ...options, retryable: false });
  }

  /** Returns the direct room of a participant set (the caller included), creating it on first use. */
  async directRoom(participants: ParticipantSpec[], options?: CallOptions): Promise<Room> {
    return this.#request<Room>("rooms.direct", { participants }, options);
  }

  /** Gets a room. */
  async getRoom(roomId: string, options?: CallOptions): Promise<Room> {
    return this.#request<Room>("rooms.get", { roomId: requireId(roomId, "roomId") }, options);
  }

  /** Lists the rooms the caller participates in. */
  async listRooms(options?: CallOptions): Promise<Room[]> {
    return this.#request<Room[]>("rooms.list", {}, options);
  }

  /** Adds a participant to a room. Not repeated after a lost connection. */
  async addParticipant(roomId: string, participant: ParticipantSpec, options?: CallOptions): Promise<Participant> {
    return this.#request<Participant>("participants.add", { roomId: requireId(roomId, "roomId"), participant }, { ...options, retryable: false });
  }

  /** Changes a participant's role, auto-respond flag or display name. */
  async updateParticipant(roomId: string, accountId: string, update: ParticipantUpdate, options?: CallOptions): Promise<Participant> {
    return this.#request<Participant>("participants.update", { roomId: requireId(roomId, "roomId"), accountId: requireId(accountId, "accountId"), update }, options);
  }

  /** Removes a participant (or leaves, with the caller's own id). Not repeated after a lost connection. */
  async removeParticipant(roomId: string, accountId: string, options?: CallOptions): Promise<void> {
    return this.#request<void>("participants.remove", { roomId: requireId(roomId, "roomId"), accountId: requireId(accountId, "accountId") }, { ...options, retryable: false });
  }

  /** Lists a room's participants. */
  async listParticipants(roomId: string, options?: CallOptions): Promise<Participant[]> {
    return this.#request<Participant[]>("participants.list", { roomId: requireId(roomId, "roomId") }, options);
  }

  // ---------------------------------------------------------------- conversations and messages

  /** Creates a conversation in a room. Not repeated after a lost connection. */
  async createConversation(roomId: string, title?: string, options?: CallOptions): Promise<Conversation> {
    return this.#request<Conversation>("conversations.create", { roomId: requireId(roomId, "roomId"), title }, { ...options, retryable: false });
  }

  /** Gets a conversation, with its latest sequence. */
  async getConversation(conversationId: string, options?: CallOptions): Promise<Conversation> {
    return this.#request<Conversation>("conversations.get", { conversationId: requireId(conversationId, "conversationId") }, options);
  }

  /** Lists a room's conversations. */
  async listConversations(roomId: string, options?: CallOptions): Promise<Conversation[]> {
    return this.#request<Conversation[]>("conversations.list", { roomId: requireId(roomId, "roomId") }, options);
  }

  /**
   * Posts a message. The client generates a client message id unless one is given, so the post is safe to send again:
   * while disconnected it waits in the offline queue, and after a reconnect it is sent again and stored exactly once.
   * @returns The stored message, with its sequence.
   * @throws ConversationsError with the server's code when refused; `limit_exceeded` when the offline queue is full;
   *   `unavailable` when the client closes first or `timeoutMs` passes.
   */
  async post(conversationId: string, message: PostMessage, options: PostOptions = {}): Promise<Message> {
    const frame = {
      conversationId: requireId(conversationId, "conversationId"),
      text: message.text,
      format: message.format,
      attachments: attachmentRefs(message.attachments),
      data: message.data,
      replyToId: message.replyToId,
      clientMessageId: message.clientMessageId ?? newClientMessageId(),
    };
    return this.#request<Message>("messages.post", frame, { signal: options.signal, timeoutMs: options.timeoutMs ?? 0, post: true });
  }

  /** Posts plain text; see {@link post}. */
  async postText(conversationId: string, text: string, options?: PostOptions): Promise<Message> {
    return this.post(conversationId, { text }, options);
  }

  /** Edits a message. Not repeated after a lost connection. */
  async edit(conversationId: string, messageId: string, changes: EditMessage, options?: CallOptions): Promise<Message> {
    return this.#request<Message>("messages.edit", { conversationId: requireId(conversationId, "conversationId"), messageId: requireId(messageId, "messageId"), ...changes, attachments: attachmentRefs(changes?.attachments) }, { ...options, retryable: false });
  }

  /** Deletes a message. Not repeated after a lost connection. */
  async delete(conversationId: string, messageId: string, options?: CallOptions): Promise<Message> {
    return this.#request<Message>("messages.delete", { conversationId: requireId(conversationId, "conversationId"), messageId: requireId(messageId, "messageId") }, { ...options, retryable: false });
  }

  /** Reads a page of history, in ascending sequence order (the latest `limit` messages when neither `before` nor `after` is given). */
  async history(conversationId: string, query: HistoryQuery = {}, options?: CallOptions): Promise<MessagePage> {
    return this.#request<MessagePage>("messages.history", { conversationId: requireId(conversationId, "conversationId"), before: query.before, after: query.after, limit: query.limit }, options);
  }

  /** Says that the caller started (or stopped) typing. Sent only while connected: fails with `unavailable` otherwise. */
  async setTyping(conversationId: string, isTyping = true, options?: CallOptions): Promise<void> {
    return this.#request<void>("typing", { conversationId: requireId(conversationId, "conversationId"), isTyping }, { ...options, onlineOnly: true });
  }

  /** Moves the caller's read marker forward to `sequence` (never back). */
  async markRead(conversationId: string, sequence: number, options?: CallOptions): Promise<ReadMarker> {
    return this.#request<ReadMarker>("read", { conversationId: requireId(conversationId, "conversationId"), sequence }, options);
  }

  /** Lists a conversation's read markers. */
  async readMarkers(conversationId: string, options?: CallOptions): Promise<ReadMarker[]> {
    return this.#request<ReadMarker[]>("read_markers.list", { conversationId: requireId(conversationId, "conversationId") }, options);
  }

  /**
   * Stops a streaming message (an agent's reply, or your own stream): it is stored with the text so far and status `stopped`,
   * and the agent's flow is cancelled. Not repeated after a lost connection.
   * @throws ConversationsError `conflict` when the message is no longer streaming, `forbidden` for another person's stream.
   */
  async stop(conversationId: string, messageId: string, options?: CallOptions): Promise<Message> {
    return this.#request<Message>("messages.stop", { conversationId: requireId(conversationId, "conversationId"), messageId: requireId(messageId, "messageId") }, { ...options, retryable: false });
  }

  /**
   * Asks the agent that wrote `messageId` to answer again: that reply is replaced (deleted, keeping its place) and the new one
   * arrives at the end of the conversation, replying to the same message. Not repeated after a lost connection.
   * @returns The replaced reply, now deleted.
   * @throws ConversationsError `conflict` when the reply was already replaced, is streaming, or its question is gone.
   */
  async regenerate(conversationId: string, messageId: string, options?: CallOptions): Promise<Message> {
    return this.#request<Message>("messages.regenerate", { conversationId: requireId(conversationId, "conversationId"), messageId: requireId(messageId, "messageId") }, { ...options, retryable: false });
  }

  /** Reads a page of the caller's inbox: rooms by last activity, with the latest message, unread counts and read positions. */
  async inbox(query: InboxQuery = {}, options?: CallOptions): Promise<InboxPage> {
    return this.#request<InboxPage>("inbox.get", { limit: query.limit, cursor: query.cursor }, options);
  }

  /**
   * Follows the caller's inbox: every room as `inbox.room_added` (or only what differs from `options.entries`), then rooms
   * joined and left and entries that changed. The subscription keeps the current entries; after a reconnect it resubscribes
   * with the versions it holds, so nothing is missed and nothing repeats.
   * @throws Error when this client already follows the inbox.
   */
  async subscribeInbox(options: SubscribeInboxOptions = {}): Promise<InboxSubscription> {
    const subscription = new InboxSubscription(this, options);
    return this.#follow(subscription, "inbox.subscribe", { known: subscription.known() }, options.signal, () => {
      subscription.acknowledged = true;
    });
  }

  /** Asks the server to answer; resolves when it did. */
  async ping(options?: CallOptions): Promise<void> {
    return this.#request<void>("ping", {}, { ...options, onlineOnly: true });
  }

  /**
   * Streams a message: begins it, sends each chunk (subscribers see `conversation.message_delta` events), and completes it.
   * If `chunks` throws or the signal aborts, the message is failed with the text so far and the error is rethrown. A
   * stream belongs to its connection: if the connection drops, the server fails the message and this rejects with
   * `unavailable`.
   * @returns The completed message.
   */
  async stream(conversationId: string, chunks: AsyncIterable<string> | Iterable<string>, begin: BeginStream = {}, options: CallOptions = {}): Promise<Message> {
    const started = await this.#request<Message>("stream.begin", {
      conversationId: requireId(conversationId, "conversationId"),
      format: begin.format,
      data: begin.data,
      replyToId: begin.replyToId,
      clientMessageId: begin.clientMessageId ?? newClientMessageId(),
    }, { ...options, retryable: false });
    try {
      for await (const chunk of chunks) {
        throwIfAborted(options.signal);
        if (chunk) {
          await this.#request<void>("stream.append", { messageId: started.id, delta: chunk }, { ...options, retryable: false });
        }
      }
      throwIfAborted(options.signal);
    } catch (e) {
      if (this.#state === "open") {
        try {
          await this.#request<Message>("stream.fail", { messageId: started.id }, { retryable: false });
        } catch {
          // The stream may already be closed; the original failure matters more.
        }
      }
      throw e;
    }
    return this.#request<Message>("stream.complete", { messageId: started.id }, { retryable: false });
  }

  /**
   * Follows a conversation: every log change after `afterSequence`, then live events, in order. After a reconnect the client
   * resubscribes from the last sequence it delivered: nothing is missed and nothing repeats. Deltas, snapshots and typing
   * are live only.
   * @returns The subscription, once the server acknowledged it; iterate it with `for await`, or pass `onEvent`.
   * @throws Error when this client already follows the conversation.
   */
  async subscribe(conversationId: string, options: SubscribeOptions = {}): Promise<ConversationSubscription> {
    requireId(conversationId, "conversationId");
    const after = options.afterSequence ?? 0;
    if (!Number.isInteger(after) || after < 0) {
      throw new RangeError("afterSequence must be a whole number, 0 or more.");
    }
    const subscription = new ConversationSubscription(this, conversationId, after, options);
    return this.#follow(subscription, "subscribe", { conversationId, afterSequence: after }, options.signal, (r) => subscription.acknowledge(r as Conversation));
  }

  /**
   * Follows a room's live events: participants added, updated and removed, conversations created. Room events are not
   * replayed; read the room's state after subscribing to catch up.
   * @throws Error when this client already follows the room.
   */
  async subscribeRoom(roomId: string, options: SubscribeRoomOptions = {}): Promise<RoomSubscription> {
    requireId(roomId, "roomId");
    const subscription = new RoomSubscription(this, roomId, options);
    return this.#follow(subscription, "rooms.subscribe", { roomId }, options.signal, (r) => subscription.acknowledge(r as Room));
  }

  // ---------------------------------------------------------------- assets (files)

  /**
   * Uploads a file and returns it ready to attach (`attachments: [{ assetId: asset.id }]`): computes its SHA-256, reserves
   * it (`assets.upload.begin` with the size and hash), sends the bytes straight to storage with exactly the presigned
   * method, URL and headers, and completes it; the server measures and checks what arrived, so a corrupted transfer is
   * refused. The whole file is read into memory first (WebCrypto hashes in one piece). Where `crypto.subtle` is missing
   * (a browser page that is not https or localhost) the hash is left to the server. For upload progress, do the three
   * steps yourself ({@link beginUpload}, an `XMLHttpRequest`, {@link completeUpload}).
   * @param data - The bytes.
   * @returns The ready asset.
   * @throws ConversationsError with the server's code when it refuses the file (`invalid_argument` for a bad name,
   *   `limit_exceeded` for size or quota, `forbidden` for the scope); when storage refuses the bytes, the code of its
   *   problem details, or one that fits its HTTP status (`unavailable` when none does or it cannot be reached).
   * @throws TypeError when `data` is not a Blob, ArrayBuffer or typed array, `name` is empty, or there is no `fetch`.
   */
  async uploadFile(data: Blob | ArrayBuffer | ArrayBufferView, options: UploadFileOptions): Promise<Asset> {
    if (!options || typeof options !== "object") {
      throw new TypeError("uploadFile needs options with at least a name.");
    }
    const name = requireName(options.name);
    const send = options.fetch ?? this.#fetch ?? (globalThis as { fetch?: FetchFunction }).fetch;
    if (typeof send !== "function") {
      throw new TypeError("No fetch implementation: pass options.fetch.");
    }
    const isBlob = typeof Blob !== "undefined" && data instanceof Blob;
    const mediaType = options.mediaType ?? (isBlob && (data as Blob).type ? (data as Blob).type : "application/octet-stream");
    throwIfAborted(options.signal);
    const bytes = await toBytes(data);
    const sha256 = await sha256Hex(bytes);
    const call = { signal: options.signal };
    const ticket = await this.beginUpload({ scope: options.scope, folder: options.folder, name, mediaType, size: bytes.byteLength, sha256 }, call);
    await sendToStorage(send, ticket.upload.method, ticket.upload.url, ticket.upload.headers, bytes, options.signal);
    return this.completeUpload(ticket.asset.id, sha256, call);
  }

  /**
   * Reserves an upload and returns the pending asset with the request to send its bytes with (URL made absolute); then
   * call {@link completeUpload}. {@link uploadFile} does all three steps. Not repeated after a lost connection.
   * @throws RangeError when `size` is not a whole number, 0 or more.
   */
  async beginUpload(request: BeginUpload, options?: CallOptions): Promise<UploadTicket> {
    if (!request || typeof request !== "object") {
      throw new TypeError("beginUpload needs the file's name, mediaType and size.");
    }
    if (!Number.isSafeInteger(request.size) || request.size < 0) {
      throw new RangeError(`size must be a whole number of bytes, 0 or more; it is ${String(request.size)}.`);
    }
    const ticket = await this.#request<UploadTicket>("assets.upload.begin", {
      scope: optionalString(request.scope, "scope"),
      folder: optionalString(request.folder, "folder"),
      name: requireName(request.name),
      mediaType: optionalString(request.mediaType, "mediaType") ?? "",
      size: request.size,
      sha256: optionalString(request.sha256, "sha256"),
    }, { ...options, retryable: false });
    ticket.upload.url = this.#resolve(ticket.upload.url);
    return ticket;
  }

  /**
   * Completes an upload whose bytes were sent: the server measures them, checks the SHA-256 (`sha256`, or the one declared
   * when the upload began) and the first bytes against the media type, and marks the asset ready. A mismatch is refused
   * with `invalid_argument` and the bytes are deleted.
   * @returns The ready asset.
   */
  async completeUpload(assetId: string, sha256?: string, options?: CallOptions): Promise<Asset> {
    return this.#request<Asset>("assets.upload.complete", { assetId: requireId(assetId, "assetId"), sha256: optionalString(sha256, "sha256") }, options);
  }

  /**
   * Gets an asset's metadata.
   * @param via - The message the asset is reached through, for a file someone attached from their own space.
   */
  async getAsset(assetId: string, via?: MessageRef, options?: CallOptions): Promise<Asset> {
    return this.#request<Asset>("assets.get", { assetId: requireId(assetId, "assetId"), via: messageRef(via) }, options);
  }

  /**
   * Gets a fresh short-lived URL of an asset's bytes (absolute; it needs no credentials until `expiresAt`). For a link that
   * does not expire, see {@link assetUrl}.
   * @param via - The message the asset is reached through, for a file someone attached from their own space.
   */
  async assetLink(assetId: string, via?: MessageRef, options?: CallOptions): Promise<AssetLink> {
    const link = await this.#request<AssetLink>("assets.link", { assetId: requireId(assetId, "assetId"), via: messageRef(via) }, options);
    link.url = this.#resolve(link.url);
    return link;
  }

  /**
   * The stable link of an asset, `GET {prefix}/assets/{assetId}`, as an absolute http(s) URL. The prefix is the path of
   * the WebSocket URL this client connects to (the pattern the host passed to `MapConversations`, under which the HTTP
   * API lives), on the same host with ws → http and wss → https; the client URL's query is left out. Each request checks
   * access with the HTTP API's credentials (a cookie, or an `Authorization` header; no token is put in the URL) and
   * redirects to a short-lived URL of the bytes. Nothing is sent.
   * @param via - The message the asset is reached through, for a file someone attached from their own space.
   */
  assetUrl(assetId: string, via?: MessageRef): string {
    const url = new URL(this.#http.href);
    url.pathname = url.pathname.replace(/\/+$/, "") + "/assets/" + encodeURIComponent(requireId(assetId, "assetId"));
    const ref = messageRef(via);
    if (ref) {
      url.search = new URLSearchParams({ conversationId: ref.conversationId, messageId: ref.messageId }).toString();
    }
    return url.href;
  }

  /** Moves or renames an asset within its space; an absent `folder` or `name` stays as it is. */
  async moveAsset(assetId: string, changes: AssetMove, options?: CallOptions): Promise<Asset> {
    return this.#request<Asset>("assets.move", {
      assetId: requireId(assetId, "assetId"),
      folder: optionalString(changes?.folder, "folder"),
      name: optionalString(changes?.name, "name"),
    }, options);
  }

  /** Deletes an asset: it is no longer readable once this resolves. Not repeated after a lost connection. */
  async deleteAsset(assetId: string, options?: CallOptions): Promise<void> {
    return this.#request<void>("assets.delete", { assetId: requireId(assetId, "assetId") }, { ...options, retryable: false });
  }

  /**
   * Reads a page of a folder (the top one by default): sub-folders first, then ready assets, each by name.
   * @throws RangeError when `limit` is not a whole number above 0.
   */
  async listAssets(scope: AssetScope, query: AssetListQuery = {}, options?: CallOptions): Promise<AssetListing> {
    if (query.limit !== undefined && (!Number.isSafeInteger(query.limit) || query.limit < 1)) {
      throw new RangeError(`limit must be a whole number above 0; it is ${String(query.limit)}.`);
    }
    return this.#request<AssetListing>("assets.list", {
      scope: requireId(scope, "scope"),
      folder: optionalString(query.folder, "folder"),
      cursor: optionalString(query.cursor, "cursor"),
      limit: query.limit,
    }, options);
  }

  /** Creates a folder (such as `/reports/2026`) and any missing parents; returns it. */
  async createAssetFolder(scope: AssetScope, path: string, options?: CallOptions): Promise<AssetFolder> {
    return this.#request<AssetFolder>("assets.folders.create", { scope: requireId(scope, "scope"), path: requireId(path, "path") }, options);
  }

  /** Moves or renames a folder with everything in it; returns it at its new path. Not repeated after a lost connection. */
  async moveAssetFolder(scope: AssetScope, path: string, newPath: string, options?: CallOptions): Promise<AssetFolder> {
    return this.#request<AssetFolder>("assets.folders.move", { scope: requireId(scope, "scope"), path: requireId(path, "path"), newPath: requireId(newPath, "newPath") }, { ...options, retryable: false });
  }

  /**
   * Deletes a folder with its sub-folders and assets. Not repeated after a lost connection.
   * @returns How many assets were deleted.
   */
  async deleteAssetFolder(scope: AssetScope, path: string, options?: CallOptions): Promise<number> {
    const result = await this.#request<{ deleted: number }>("assets.folders.delete", { scope: requireId(scope, "scope"), path: requireId(path, "path") }, { ...options, retryable: false });
    return result.deleted;
  }

  /** A URL the server handed out: absolute as it is, relative against the server's HTTP(S) origin. */
  #resolve(url: string): string {
    return new URL(url, this.#http.origin + "/").href;
  }

  /**
   * Sends any command of the protocol and returns its result: the escape hatch for commands this client has no method for.
   * @param type - The command, for example `rooms.get`.
   * @param args - Its arguments; `type` and `id` are set by the client.
   * @param options - `retryable: false` for commands that must not be sent twice (default true);
   *   `timeoutMs` (0 for none) overrides `requestTimeoutMs`.
   */
  command<T>(type: string, args: Record<string, unknown>, options: CallOptions & { retryable?: boolean; timeoutMs?: number } = {}): Promise<T> {
    return this.#request<T>(type, args, { signal: options.signal, retryable: options.retryable, timeoutMs: options.timeoutMs });
  }

  #request<T>(type: string, args: Record<string, unknown>, options: CallOptions & { retryable?: boolean; timeoutMs?: number; onlineOnly?: boolean; post?: boolean } = {}): Promise<T> {
    if (this.#state === "closed") {
      return Promise.reject(new ConversationsError(ErrorCodes.unavailable, "The client is closed.", { command: type }));
    }
    if (this.#state === "idle") {
      return Promise.reject(new Error("Call connect() before sending commands."));
    }
    if (options.signal?.aborted) {
      return Promise.reject(abortReason(options.signal));
    }
    if (options.onlineOnly && this.#state !== "open") {
      return Promise.reject(new ConversationsError(ErrorCodes.unavailable, "Not connected.", { command: type }));
    }
    if (options.post && this.queuedPosts >= this.#maxQueuedPosts) {
      return Promise.reject(new ConversationsError(ErrorCodes.limitExceeded, `${this.#maxQueuedPosts} posts already wait to be delivered.`, { command: type }));
    }

    const id = String(this.#nextId++);
    const frame: Record<string, unknown> = { type, id };
    for (const [key, value] of Object.entries(args)) {
      if (value !== undefined) frame[key] = value;
    }
    const done = deferred<T>();
    const timeoutMs = options.timeoutMs ?? this.#requestTimeout;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onAbort = () => finish(() => done.reject(abortReason(options.signal!)));
    const finish = (settle: () => void) => {
      if (this.#pending.get(id) !== pending) return;
      this.#pending.delete(id);
      if (timer !== undefined) clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      settle();
    };
    const pending: PendingCommand = {
      id,
      type,
      frame,
      retryable: options.retryable ?? true,
      onlineOnly: options.onlineOnly ?? false,
      post: options.post ?? false,
      sentOn: 0,
      resolve: (result) => finish(() => done.resolve(result as T)),
      reject: (error) => finish(() => done.reject(error)),
    };
    this.#pending.set(id, pending);
    options.signal?.addEventListener("abort", onAbort, { once: true });
    if (timeoutMs > 0) {
      timer = setTimeout(() => pending.reject(new ConversationsError(ErrorCodes.unavailable,
        `"${type}" got no answer within ${timeoutMs} ms${this.#state === "open" ? "" : " (not connected)"}.`, { requestId: id, command: type })), timeoutMs);
    }
    if (this.#state === "open") {
      this.#transmit(pending);
    }
    return done.promise;
  }

  /** @internal Ends a subscription on the server (used by {@link Subscription.close}). */
  async unsubscribe(subscription: Subscription<never>): Promise<void> {
    const s = subscription as unknown as ConversationSubscription | RoomSubscription | InboxSubscription;
    if (this.#subscriptions.get(s.key) === s) {
      this.#subscriptions.delete(s.key);
    }
    if (this.#state !== "open") {
      return; // the server forgets subscriptions with the connection; nothing will be resubscribed
    }
    try {
      if (s instanceof ConversationSubscription) {
        await this.#request<void>("unsubscribe", { conversationId: s.conversationId }, { onlineOnly: true });
      } else if (s instanceof InboxSubscription) {
        await this.#request<void>("inbox.unsubscribe", {}, { onlineOnly: true });
      } else {
        await this.#request<void>("rooms.unsubscribe", { roomId: s.roomId }, { onlineOnly: true });
      }
    } catch (e) {
      this.#logger?.debug?.("Unsubscribe failed; the subscription is closed on this side anyway.", e);
    }
  }

  // ---------------------------------------------------------------- internals

  async #follow<S extends ConversationSubscription | RoomSubscription | InboxSubscription>(subscription: S, type: string, args: Record<string, unknown>, signal: AbortSignal | undefined, acknowledge: (result: unknown) => void): Promise<S> {
    if (this.#subscriptions.has(subscription.key)) {
      throw new Error(`This client already follows ${subscription.key === "inbox" ? "the inbox" : subscription.key.slice(2)}; one subscription per conversation or room, and one of the inbox (close the other first).`);
    }
    this.#subscriptions.set(subscription.key, subscription);
    try {
      const result = await this.#request<unknown>(type, args, { signal });
      acknowledge(result);
    } catch (e) {
      if (this.#subscriptions.get(subscription.key) === subscription) {
        this.#subscriptions.delete(subscription.key);
      }
      subscription.end();
      throw e;
    }
    if (signal) {
      if (signal.aborted) {
        void subscription.close();
      } else {
        signal.addEventListener("abort", () => void subscription.close(), { once: true });
      }
    }
    return subscription;
  }

  /** Reads the state afresh (TypeScript narrows a field across awaits otherwise). */
  #closedNow(): boolean {
    return (this.#state as ConnectionState) === "closed";
  }

  #setState(state: ConnectionState): void {
    if (this.#state !== state) {
      this.#state = state;
      this.#events.emit("state", state);
    }
  }

  /** Opens one socket and waits for the welcome. */
  async #open(signal: AbortSignal | undefined): Promise<Live> {
    const attempt = new AbortController();
    const timer = setTimeout(() => attempt.abort(new ConversationsError(ErrorCodes.unavailable, `The server did not welcome the client within ${this.#connectTimeout} ms.`)), this.#connectTimeout);
    const cancel = () => attempt.abort(signal?.reason ?? this.#lifetime.signal.reason);
    signal?.addEventListener("abort", cancel, { once: true });
    this.#lifetime.signal.addEventListener("abort", cancel, { once: true });
    try {
      throwIfAborted(attempt.signal);
      const url = new URL(this.#url);
      if (this.#accessToken) {
        const token = await this.#accessToken({ signal: attempt.signal });
        throwIfAborted(attempt.signal);
        if (token) url.searchParams.set(this.#tokenParameter, token);
      }
      const socket = new this.#WebSocket(url.toString(), [SUBPROTOCOL]);
      const serial = ++this.#serial;
      return await new Promise<Live>((resolve, reject) => {
        let failure: ConversationsError | undefined;
        let settled = false;
        const fail = (error: unknown) => {
          if (settled) return;
          settled = true;
          detach(socket);
          try {
            socket.close(1000);
          } catch {
            // not open yet
          }
          reject(error);
        };
        attempt.signal.addEventListener("abort", () => fail(attempt.signal.reason), { once: true });
        socket.onerror = (event) => {
          failure = handshakeError(event) ?? failure;
        };
        socket.onclose = (event) => {
          const code = event?.code;
          fail(failure ?? new ConversationsError(ErrorCodes.unavailable,
            code === 1006 || code === undefined ? "Could not connect to the server." : `The server closed the connection during the handshake (${code}${event?.reason ? " " + event.reason : ""}).`));
        };
        let live: Live | undefined;
        socket.onmessage = (event) => {
          if (live) {
            live.backlog.push(event.data);
            return;
          }
          if (settled) return;
          const lines = typeof event.data === "string" ? event.data.split("\n").filter((l) => l.length > 0) : [];
          let welcome: unknown;
          try {
            welcome = lines.length > 0 ? JSON.parse(lines[0]!) : undefined;
          } catch {
            welcome = undefined;
          }
          if (!isObject(welcome) || welcome.type !== "welcome" || typeof welcome.accountId !== "string") {
            fail(new ConversationsError(ErrorCodes.unavailable, "The server did not start with a welcome frame; is this a conversations.v1.json endpoint?"));
            return;
          }
          settled = true;
          this.#welcome = welcome as unknown as WelcomeFrame;
          const rest = lines.slice(1);
          live = { socket, serial, backlog: rest.length > 0 ? [rest.join("\n")] : [] };
          resolve(live);
        };
      });
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", cancel);
      this.#lifetime.signal.removeEventListener("abort", cancel);
    }
  }

  /** Makes an opened socket the live connection: wires its handlers, resumes subscriptions, sends what waits. */
  #adopt(live: Live, resumed: boolean): void {
    if (this.#state === "closed") {
      detach(live.socket);
      live.socket.close(1000);
      return;
    }
    this.#live = live;
    this.#lastReceived = Date.now();
    const { socket } = live;
    socket.onmessage = (event) => this.#receive(live, event.data);
    socket.onerror = () => {};
    socket.onclose = (event) => this.#lost(live, new ConversationsError(ErrorCodes.unavailable,
      `The connection was closed (${event?.code ?? "?"}${event?.reason ? " " + event.reason : ""}).`));
    this.#setState("open");
    this.#events.emit("welcome", this.#welcome!);
    this.#startHeartbeat();

    if (resumed) {
      // Resubscribe first, from each subscription's last sequence; then everything that waits, in the order it was issued.
      for (const subscription of this.#subscriptions.values()) {
        if (subscription.acknowledged) void this.#resubscribe(subscription);
      }
    }
    for (const pending of [...this.#pending.values()].sort((a, b) => Number(a.id) - Number(b.id))) {
      this.#transmit(pending);
    }
    if (resumed) {
      this.#events.emit("reconnected", this.#welcome!);
    }
    const backlog = live.backlog.splice(0);
    for (const data of backlog) {
      this.#receive(live, data);
    }
    if (this.#live === live && socket.readyState !== OPEN) {
      // It closed between the welcome and now, before our close handler was wired.
      this.#lost(live, new ConversationsError(ErrorCodes.unavailable, "The connection closed right after it opened."));
    }
  }

  async #resubscribe(subscription: ConversationSubscription | RoomSubscription | InboxSubscription): Promise<void> {
    try {
      if (subscription instanceof InboxSubscription) {
        await this.#request<unknown>("inbox.subscribe", { known: subscription.known() });
      } else if (subscription instanceof ConversationSubscription) {
        const conversation = await this.#request<Conversation>("subscribe", { conversationId: subscription.conversationId, afterSequence: subscription.lastSequence });
        subscription.acknowledge(conversation);
      } else {
        subscription.acknowledge(await this.#request<Room>("rooms.subscribe", { roomId: subscription.roomId }));
      }
    } catch (e) {
      if (this.#state === "closed" || this.#subscriptions.get(subscription.key) !== subscription) {
        return;
      }
      if (ConversationsError.is(e) && e.code === ErrorCodes.unavailable) {
        return; // lost again: the next reconnect resubscribes
      }
      this.#subscriptions.delete(subscription.key);
      subscription.end(ConversationsError.is(e) ? e : new ConversationsError(ErrorCodes.internal, String(e), { cause: e }));
    }
  }

  #transmit(pending: PendingCommand): void {
    const live = this.#live;
    if (!live || this.#state !== "open" || pending.sentOn === live.serial || live.socket.readyState !== OPEN) {
      return;
    }
    pending.sentOn = live.serial;
    try {
      live.socket.send(JSON.stringify(pending.frame));
    } catch (e) {
      pending.sentOn = 0;
      this.#logger?.debug?.("Send failed; the command waits for the next connection.", e);
    }
  }

  #receive(live: Live, data: unknown): void {
    if (this.#live !== live) {
      return;
    }
    this.#lastReceived = Date.now();
    if (typeof data !== "string") {
      this.#protocolError("The server sent a binary message; conversations.v1.json uses text.", data);
      return;
    }
    for (const line of data.split("\n")) {
      if (line.length === 0) continue;
      let frame: unknown;
      try {
        frame = JSON.parse(line);
      } catch (e) {
        this.#protocolError("The server sent a frame that is not JSON.", line, e);
        continue;
      }
      try {
        this.#dispatch(frame, line);
      } catch (e) {
        this.#protocolError("A frame could not be handled.", line, e);
      }
      if (this.#live !== live) return; // closed by a listener
    }
  }

  #dispatch(frame: unknown, raw: string): void {
    if (!isObject(frame) || typeof frame.type !== "string") {
      this.#protocolError("The server sent a frame without a type.", raw);
      return;
    }
    switch (frame.type) {
      case "ack": {
        const pending = typeof frame.id === "string" ? this.#pending.get(frame.id) : undefined;
        if (pending) pending.resolve(frame.result);
        else this.#logger?.debug?.("An answer to no waiting command was ignored.", raw);
        return;
      }
      case "error": {
        const code = typeof frame.code === "string" && frame.code.length > 0 ? frame.code : ErrorCodes.internal;
        const message = typeof frame.message === "string" ? frame.message : "The server refused the command.";
        const pending = typeof frame.id === "string" ? this.#pending.get(frame.id) : undefined;
        if (pending) {
          pending.reject(new ConversationsError(code, message, { requestId: pending.id, command: pending.type }));
        } else {
          this.#events.emit("serverError", new ConversationsError(code, message));
        }
        return;
      }
      case "event": {
        const event = frame.event;
        if (frame.subscription === "inbox") {
          const inboxProblem = checkInboxEvent(event);
          if (inboxProblem) {
            this.#protocolError(inboxProblem, raw);
            return;
          }
          const inbox = this.#subscriptions.get("inbox");
          if (inbox instanceof InboxSubscription) inbox.deliver(event as unknown as InboxEvent);
          return;
        }
        const problem = checkEvent(event);
        if (problem) {
          this.#protocolError(problem, raw);
          return;
        }
        const e = event as unknown as ConversationEvent | RoomEvent;
        if (isMessageLogEvent(e)) fillInMessageEvent(e);
        const named = typeof frame.subscription === "string" ? frame.subscription : "";
        if (named.startsWith("conversation:") || named.startsWith("room:")) {
          // The server names the subscription an event belongs to: route by it.
          const target = this.#subscriptions.get((named.startsWith("room:") ? "r:" : "c:") + named.slice(named.indexOf(":") + 1));
          if (target instanceof RoomSubscription) target.deliver(e as RoomEvent);
          else if (target instanceof ConversationSubscription) target.deliver(e as ConversationEvent);
          return;
        }
        if (isRoomEvent(e)) {
          const subscription = this.#subscriptions.get("r:" + e.roomId);
          if (subscription instanceof RoomSubscription) subscription.deliver(e);
        } else {
          const subscription = this.#subscriptions.get("c:" + e.conversationId);
          if (subscription instanceof ConversationSubscription) subscription.deliver(e as ConversationEvent);
        }
        return;
      }
      case "subscription_ended": {
        const key = frame.subscription === "inbox" ? "inbox"
          : typeof frame.conversationId === "string" ? "c:" + frame.conversationId : typeof frame.roomId === "string" ? "r:" + frame.roomId : undefined;
        const subscription = key ? this.#subscriptions.get(key) : undefined;
        if (subscription) {
          this.#subscriptions.delete(subscription.key);
          subscription.end(typeof frame.code === "string"
            ? new ConversationsError(frame.code, typeof frame.message === "string" ? frame.message : "The server ended the subscription.")
            : undefined);
        }
        return;
      }
      case "welcome":
        return;
      default:
        this.#logger?.debug?.(`A frame of unknown type "${frame.type}" was ignored.`);
    }
  }

  #protocolError(message: string, raw: unknown, cause?: unknown): void {
    const error = new ConversationsError(ErrorCodes.invalidArgument, message, cause === undefined ? undefined : { cause });
    this.#logger?.warn?.(message, raw);
    this.#events.emit("protocolError", error, raw);
  }

  /** The live connection was lost: fail what cannot be repeated, keep the rest, and reconnect. */
  #lost(live: Live, reason: unknown): void {
    if (this.#live !== live) {
      return;
    }
    this.#live = null;
    detach(live.socket);
    this.#stopHeartbeat();
    for (const pending of [...this.#pending.values()]) {
      if (pending.sentOn !== live.serial) continue;
      if (pending.retryable && !pending.onlineOnly) {
        pending.sentOn = 0;
      } else {
        pending.reject(new ConversationsError(ErrorCodes.unavailable,
          pending.onlineOnly ? "The connection was lost." : "The connection was lost before the answer arrived; the command may or may not have taken effect.",
          { requestId: pending.id, command: pending.type }));
      }
    }
    if (this.#state === "closed") {
      return;
    }
    if (!this.#reconnect) {
      this.#giveUp(reason);
      return;
    }
    this.#logger?.debug?.("Connection lost; reconnecting.", reason);
    this.#setState("reconnecting");
    this.#events.emit("reconnecting", reason);
    void this.#reconnectLoop(reason);
  }

  async #reconnectLoop(reason: unknown): Promise<void> {
    const started = Date.now();
    let attempts = 0;
    while (this.#state === "reconnecting") {
      const delay = this.#reconnect!.nextRetryDelay({ previousRetryCount: attempts, elapsedMs: Date.now() - started, reason });
      if (delay === null) {
        this.#giveUp(reason);
        return;
      }
      try {
        if (delay > 0) await this.#sleep(delay);
        const live = await this.#open(undefined);
        this.#logger?.debug?.(`Reconnected after ${attempts + 1} attempt(s).`);
        this.#adopt(live, true);
        return;
      } catch (e) {
        if (this.#state !== "reconnecting") return;
        attempts++;
        reason = e;
        this.#logger?.debug?.(`Reconnect attempt ${attempts} failed.`, e);
      }
    }
  }

  #giveUp(reason: unknown): void {
    const error = new ConversationsError(ErrorCodes.unavailable, "The connection was lost and the client stopped reconnecting.", { cause: reason });
    this.#setState("closed");
    this.#lifetime.abort(error);
    for (const pending of [...this.#pending.values()]) pending.reject(error);
    for (const subscription of [...this.#subscriptions.values()]) subscription.end(error);
    this.#subscriptions.clear();
    this.#events.emit("closed", reason);
  }

  #sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const signals = [this.#lifetime.signal, signal].filter((s): s is AbortSignal => s !== undefined);
      const onAbort = (s: AbortSignal) => () => {
        clearTimeout(timer);
        reject(abortReason(s));
      };
      const handlers = signals.map((s) => {
        const h = onAbort(s);
        s.addEventListener("abort", h, { once: true });
        return [s, h] as const;
      });
      const timer = setTimeout(() => {
        for (const [s, h] of handlers) s.removeEventListener("abort", h);
        resolve();
      }, ms);
      for (const s of signals) if (s.aborted) onAbort(s)();
    });
  }

  #startHeartbeat(): void {
    this.#stopHeartbeat();
    if (this.#heartbeatInterval <= 0) return;
    const every = Math.max(1_000, Math.floor(this.#heartbeatInterval / 2));
    this.#heartbeat = setInterval(() => {
      const live = this.#live;
      if (!live || this.#pinging || this.#state !== "open" || Date.now() - this.#lastReceived < this.#heartbeatInterval) return;
      this.#pinging = true;
      this.#request<void>("ping", {}, { onlineOnly: true, timeoutMs: Math.min(this.#requestTimeout, 10_000) })
        .catch((e) => {
          if (this.#live === live && ConversationsError.is(e, ErrorCodes.unavailable)) {
            this.#logger?.warn?.("The server did not answer a ping; reconnecting.");
            try {
              live.socket.close(4000, "no answer to ping");
            } catch {
              // already closed
            }
            this.#lost(live, e);
          }
        })
        .finally(() => {
          this.#pinging = false;
        });
    }, every);
  }

  #stopHeartbeat(): void {
    if (this.#heartbeat !== null) {
      clearInterval(this.#heartbeat);
      this.#heartbeat = null;
    }
  }
}

function detach(socket: WebSocketLike): void {
  socket.onopen = null;
  socket.onmessage = null;
  socket.onerror = null;
  socket.onclose = null;
  if (socket.readyState === CONNECTING || socket.readyState === OPEN) {
    // Keep a no-op error handler: some implementations throw on unhandled errors of a closing socket.
    socket.onerror = () => {};
  }
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!(typeof value === "number" && Number.isFinite(value) && value > 0)) {
    throw new RangeError(`${name} must be a positive number of milliseconds (or count); it is ${String(value)}.`);
  }
  return value;
}

function requireId(value: string, name: string): string {
  if (typeof value !== "string" || value.trim().length === 0) {
    throw new ConversationsError(ErrorCodes.invalidArgument, `${name} must be a non-empty string.`);
  }
  return value;
}

/** The attachments to send: only each one's `assetId` (the server fills in the rest). */
function attachmentRefs(list: readonly AttachmentRef[] | undefined): AttachmentRef[] | undefined {
  if (list === undefined || list === null) return undefined;
  if (!Array.isArray(list)) {
    throw new TypeError("attachments must be an array of { assetId }.");
  }
  return list.map((a: AttachmentRef) => {
    if (!isObject(a)) throw new TypeError("Each attachment must be an object with an assetId.");
    return { assetId: requireId(a.assetId, "attachments[].assetId") };
  });
}

function messageRef(via: MessageRef | undefined): MessageRef | undefined {
  if (via === undefined || via === null) return undefined;
  if (!isObject(via)) throw new TypeError("via must be { conversationId, messageId }.");
  return { conversationId: requireId(via.conversationId, "via.conversationId"), messageId: requireId(via.messageId, "via.messageId") };
}

function optionalString<T extends string>(value: T | undefined, name: string): T | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw new TypeError(`${name} must be a string.`);
  return value;
}

function requireName(name: string): string {
  if (typeof name !== "string" || name.trim().length === 0) {
    throw new TypeError("The file needs a name (a non-empty string).");
  }
  return name;
}

/** The bytes of a Blob, ArrayBuffer or typed array, without copying where they are in an ArrayBuffer already. */
async function toBytes(data: Blob | ArrayBuffer | ArrayBufferView): Promise<Uint8Array<ArrayBuffer>> {
  if (typeof Blob !== "undefined" && data instanceof Blob) {
    return new Uint8Array(await data.arrayBuffer());
  }
  if (data instanceof ArrayBuffer) {
    return new Uint8Array(data);
  }
  if (ArrayBuffer.isView(data)) {
    if (data.buffer instanceof ArrayBuffer) {
      return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    }
    const copy = new Uint8Array(data.byteLength); // a SharedArrayBuffer: fetch and WebCrypto take only ArrayBuffers
    copy.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    return copy;
  }
  throw new TypeError("The file's data must be a Blob, an ArrayBuffer or a typed array (such as a Uint8Array).");
}

/** The lower-case hex SHA-256 of the bytes, or undefined where WebCrypto is unavailable (then the server computes it). */
async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string | undefined> {
  const subtle = (globalThis as { crypto?: Crypto }).crypto?.subtle;
  if (!subtle) return undefined;
  const digest = await subtle.digest("SHA-256", bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Sends a file's bytes with a presigned request; a refusal becomes a {@link ConversationsError}. */
async function sendToStorage(send: FetchFunction, method: string, url: string, headers: Record<string, string>, body: Uint8Array<ArrayBuffer>, signal: AbortSignal | undefined): Promise<void> {
  let response: Response;
  try {
    response = await send(url, { method, headers: { ...headers }, body, signal });
  } catch (e) {
    if (signal?.aborted) throw abortReason(signal);
    throw new ConversationsError(ErrorCodes.unavailable, `The upload to storage failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  if (response.ok) {
    await response.body?.cancel().catch(() => {});
    return;
  }
  throw await storageError(response);
}

/** Reads a refused storage request: the stable code of a problem-details body, else one that fits the HTTP status. */
async function storageError(response: Response): Promise<ConversationsError> {
  const type = (response.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (type === "application/problem+json" || type === "application/json") {
    try {
      const problem: unknown = await response.json();
      if (isObject(problem) && typeof problem.code === "string" && problem.code.length > 0) {
        return new ConversationsError(problem.code, typeof problem.detail === "string" ? problem.detail : `Storage answered ${response.status}.`);
      }
    } catch {
      // not the problem details it claims to be: go by the status
    }
  } else {
    await response.body?.cancel().catch(() => {});
  }
  const text = `Storage answered ${response.status}${response.statusText ? " " + response.statusText : ""}.`;
  switch (response.status) {
    case 400:
      return new ConversationsError(ErrorCodes.invalidArgument, text);
    case 403:
      return new ConversationsError(ErrorCodes.forbidden, text);
    case 404:
      return new ConversationsError(ErrorCodes.notFound, text);
    case 409:
      return new ConversationsError(ErrorCodes.conflict, text);
    case 413:
      return new ConversationsError(ErrorCodes.limitExceeded, text);
    default:
      return new ConversationsError(ErrorCodes.unavailable, text);
  }
}

/** Returns why an inbox event cannot be used, or undefined when it is well-formed. */
function checkInboxEvent(event: unknown): string | undefined {
  if (!isObject(event) || typeof event.type !== "string" || typeof event.roomId !== "string") {
    return "An inbox event without a type and roomId.";
  }
  switch (event.type) {
    case "inbox.room_added":
    case "inbox.room_updated": {
      const entry = event.entry;
      if (!isObject(entry) || !Number.isInteger(entry.version) || !isObject(entry.room) || entry.room.id !== event.roomId
        || !Number.isInteger(entry.unreadCount) || !Array.isArray(entry.conversations) || typeof entry.lastActivityAt !== "string") {
        return `An ${event.type} event without a well-formed entry for room ${String(event.roomId)}.`;
      }
      return undefined;
    }
    case "inbox.room_removed":
      return undefined;
    default:
      return `An inbox event of unknown type "${event.type}".`;
  }
}

/**
 * Event frames leave out what a message event repeats (protocol, "Event frames"): the message's room and conversation,
 * its last sequence when that is its sequence, status `complete`, no attachments; the event's actor when it is the sender
 * and its time when it is the message's creation. Filled in here, so subscribers always see whole messages.
 */
function fillInMessageEvent(e: MessageLogEvent): void {
  const message = e.message as Partial<Message> & Pick<Message, "id" | "sequence">;
  message.roomId ??= e.roomId;
  message.conversationId ??= e.conversationId;
  message.lastSequence ??= message.sequence;
  message.status ??= "complete";
  message.attachments ??= [];
  e.actorId ??= message.senderId as string;
  e.timestamp ??= message.createdAt as Timestamp;
}

/** Returns why an event cannot be used, or undefined when it is well-formed enough to route and apply. */
function checkEvent(event: unknown): string | undefined {
  if (!isObject(event) || typeof event.type !== "string") {
    return "An event frame without an event object and type.";
  }
  if (isRoomEvent(event as { type: string })) {
    if (typeof event.roomId !== "string") return `A ${event.type} event without roomId.`;
    return undefined;
  }
  if (typeof event.conversationId !== "string") {
    return `A ${event.type} event without conversationId.`;
  }
  switch (event.type) {
    case "conversation.message_posted":
    case "conversation.message_updated":
    case "conversation.message_deleted": {
      const message = event.message;
      if (!Number.isInteger(event.sequence) || !isObject(message) || typeof message.id !== "string" || !Number.isInteger(message.sequence)) {
        return `A ${event.type} event without a whole sequence and a message with id and sequence.`;
      }
      return undefined;
    }
    case "conversation.message_delta":
      if (typeof event.messageId !== "string" || !Number.isInteger(event.index) || typeof event.delta !== "string") {
        return "A conversation.message_delta event without messageId, index and delta.";
      }
      return undefined;
    case "conversation.message_snapshot":
      if (typeof event.messageId !== "string" || !Number.isInteger(event.deltaCount) || typeof event.text !== "string") {
        return "A conversation.message_snapshot event without messageId, text and deltaCount.";
      }
      return undefined;
    default:
      return undefined;
  }
}

