import { ConversationsError } from "./errors.js";
import type { AccountKind, Asset, AssetFolder, AssetLink, AssetListing, AssetListQuery, AssetMove, AssetScope, BeginStream, BeginUpload, Conversation, EditMessage, HistoryQuery, InboxPage, InboxQuery, Message, MessageRef, MessagePage, Participant, ParticipantSpec, ParticipantUpdate, PostMessage, ReadMarker, Room, UploadTicket, WelcomeFrame } from "./protocol.js";
import { type ReconnectPolicy } from "./reconnect.js";
import { ConversationSubscription, InboxSubscription, RoomSubscription, type SubscribeInboxOptions, type SubscribeOptions, type SubscribeRoomOptions, type Subscription, type SubscriptionHost } from "./subscription.js";
/** The part of the standard `WebSocket` this client uses; browsers' `WebSocket` and Node's `ws` both provide it. */
export interface WebSocketLike {
    readonly readyState: number;
    send(data: string): void;
    close(code?: number, reason?: string): void;
    onopen: ((event: unknown) => void) | null;
    onmessage: ((event: {
        data: unknown;
    }) => void) | null;
    onclose: ((event: {
        code?: number;
        reason?: string;
        wasClean?: boolean;
    }) => void) | null;
    onerror: ((event: unknown) => void) | null;
}
/** A constructor with the standard `WebSocket` signature, for example `WebSocket` in browsers or `ws`'s in Node. */
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike;
/** Returns the access token for the next connection attempt, or nothing to connect without one (cookies, anonymous). */
export type AccessTokenProvider = (options: {
    signal: AbortSignal;
}) => string | null | undefined | Promise<string | null | undefined>;
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
export declare class ConversationsClient implements SubscriptionHost {
    #private;
    /**
     * Creates a client; call {@link connect} next.
     * @throws TypeError when the URL is missing or not ws, wss, http or https, or no WebSocket implementation is available.
     * @throws RangeError when a timeout or limit is not a positive number.
     */
    constructor(options: ConversationsClientOptions);
    /** The connection state. */
    get state(): ConnectionState;
    /** The account the server identified this client as, once connected. */
    get accountId(): string | undefined;
    /** The account's kind, once connected. */
    get accountKind(): AccountKind | undefined;
    /** The server's welcome of the current (or last) connection. */
    get welcome(): WelcomeFrame | undefined;
    /** How many posts wait to be delivered or answered. */
    get queuedPosts(): number;
    /**
     * Adds a listener for one of the client's events ({@link ClientEvents}).
     * @returns A function that removes the listener.
     */
    on<K extends keyof ClientEvents>(name: K, listener: (...args: ClientEvents[K]) => void): () => void;
    /**
     * Opens the connection and waits for the server's welcome. Later reconnects are automatic.
     * @returns The welcome: the account the server identified the client as, and the frame size limit.
     * @throws ConversationsError `unauthenticated` or `forbidden` when the server refuses the handshake (where the WebSocket
     *   implementation tells: Node's `ws` does, browsers report every refusal as `unavailable`), `unavailable` when the server
     *   cannot be reached in time.
     * @throws Error when the client is already connecting or connected, or was closed.
     */
    connect(options?: ConnectOptions): Promise<WelcomeFrame>;
    /**
     * Closes the connection for good. Waiting commands (queued posts included) fail with `unavailable`; subscriptions end.
     */
    close(): Promise<void>;
    /** Creates a standard room; the caller joins as owner unless listed. Not repeated after a lost connection. */
    createRoom(room?: {
        name?: string;
        participants?: ParticipantSpec[];
    }, options?: CallOptions): Promise<Room>;
    /** Returns the direct room of a participant set (the caller included), creating it on first use. */
    directRoom(participants: ParticipantSpec[], options?: CallOptions): Promise<Room>;
    /** Gets a room. */
    getRoom(roomId: string, options?: CallOptions): Promise<Room>;
    /** Lists the rooms the caller participates in. */
    listRooms(options?: CallOptions): Promise<Room[]>;
    /** Adds a participant to a room. Not repeated after a lost connection. */
    addParticipant(roomId: string, participant: ParticipantSpec, options?: CallOptions): Promise<Participant>;
    /** Changes a participant's role, auto-respond flag or display name. */
    updateParticipant(roomId: string, accountId: string, update: ParticipantUpdate, options?: CallOptions): Promise<Participant>;
    /** Removes a participant (or leaves, with the caller's own id). Not repeated after a lost connection. */
    removeParticipant(roomId: string, accountId: string, options?: CallOptions): Promise<void>;
    /** Lists a room's participants. */
    listParticipants(roomId: string, options?: CallOptions): Promise<Participant[]>;
    /** Creates a conversation in a room. Not repeated after a lost connection. */
    createConversation(roomId: string, title?: string, options?: CallOptions): Promise<Conversation>;
    /** Gets a conversation, with its latest sequence. */
    getConversation(conversationId: string, options?: CallOptions): Promise<Conversation>;
    /** Lists a room's conversations. */
    listConversations(roomId: string, options?: CallOptions): Promise<Conversation[]>;
    /**
     * Posts a message. The client generates a client message id unless one is given, so the post is safe to send again:
     * while disconnected it waits in the offline queue, and after a reconnect it is sent again and stored exactly once.
     * @returns The stored message, with its sequence.
     * @throws ConversationsError with the server's code when refused; `limit_exceeded` when the offline queue is full;
     *   `unavailable` when the client closes first or `timeoutMs` passes.
     */
    post(conversationId: string, message: PostMessage, options?: PostOptions): Promise<Message>;
    /** Posts plain text; see {@link post}. */
    postText(conversationId: string, text: string, options?: PostOptions): Promise<Message>;
    /** Edits a message. Not repeated after a lost connection. */
    edit(conversationId: string, messageId: string, changes: EditMessage, options?: CallOptions): Promise<Message>;
    /** Deletes a message. Not repeated after a lost connection. */
    delete(conversationId: string, messageId: string, options?: CallOptions): Promise<Message>;
    /** Reads a page of history, in ascending sequence order (the latest `limit` messages when neither `before` nor `after` is given). */
    history(conversationId: string, query?: HistoryQuery, options?: CallOptions): Promise<MessagePage>;
    /** Says that the caller started (or stopped) typing. Sent only while connected: fails with `unavailable` otherwise. */
    setTyping(conversationId: string, isTyping?: boolean, options?: CallOptions): Promise<void>;
    /** Moves the caller's read marker forward to `sequence` (never back). */
    markRead(conversationId: string, sequence: number, options?: CallOptions): Promise<ReadMarker>;
    /** Lists a conversation's read markers. */
    readMarkers(conversationId: string, options?: CallOptions): Promise<ReadMarker[]>;
    /**
     * Stops a streaming message (an agent's reply, or your own stream): it is stored with the text so far and status `stopped`,
     * and the agent's flow is cancelled. Not repeated after a lost connection.
     * @throws ConversationsError `conflict` when the message is no longer streaming, `forbidden` for another person's stream.
     */
    stop(conversationId: string, messageId: string, options?: CallOptions): Promise<Message>;
    /**
     * Asks the agent that wrote `messageId` to answer again: that reply is replaced (deleted, keeping its place) and the new one
     * arrives at the end of the conversation, replying to the same message. Not repeated after a lost connection.
     * @returns The replaced reply, now deleted.
     * @throws ConversationsError `conflict` when the reply was already replaced, is streaming, or its question is gone.
     */
    regenerate(conversationId: string, messageId: string, options?: CallOptions): Promise<Message>;
    /** Reads a page of the caller's inbox: rooms by last activity, with the latest message, unread counts and read positions. */
    inbox(query?: InboxQuery, options?: CallOptions): Promise<InboxPage>;
    /**
     * Follows the caller's inbox: every room as `inbox.room_added` (or only what differs from `options.entries`), then rooms
     * joined and left and entries that changed. The subscription keeps the current entries; after a reconnect it resubscribes
     * with the versions it holds, so nothing is missed and nothing repeats.
     * @throws Error when this client already follows the inbox.
     */
    subscribeInbox(options?: SubscribeInboxOptions): Promise<InboxSubscription>;
    /** Asks the server to answer; resolves when it did. */
    ping(options?: CallOptions): Promise<void>;
    /**
     * Streams a message: begins it, sends each chunk (subscribers see `conversation.message_delta` events), and completes it.
     * If `chunks` throws or the signal aborts, the message is failed with the text so far and the error is rethrown. A
     * stream belongs to its connection: if the connection drops, the server fails the message and this rejects with
     * `unavailable`.
     * @returns The completed message.
     */
    stream(conversationId: string, chunks: AsyncIterable<string> | Iterable<string>, begin?: BeginStream, options?: CallOptions): Promise<Message>;
    /**
     * Follows a conversation: every log change after `afterSequence`, then live events, in order. After a reconnect the client
     * resubscribes from the last sequence it delivered: nothing is missed and nothing repeats. Deltas, snapshots and typing
     * are live only.
     * @returns The subscription, once the server acknowledged it; iterate it with `for await`, or pass `onEvent`.
     * @throws Error when this client already follows the conversation.
     */
    subscribe(conversationId: string, options?: SubscribeOptions): Promise<ConversationSubscription>;
    /**
     * Follows a room's live events: participants added, updated and removed, conversations created. Room events are not
     * replayed; read the room's state after subscribing to catch up.
     * @throws Error when this client already follows the room.
     */
    subscribeRoom(roomId: string, options?: SubscribeRoomOptions): Promise<RoomSubscription>;
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
    uploadFile(data: Blob | ArrayBuffer | ArrayBufferView, options: UploadFileOptions): Promise<Asset>;
    /**
     * Reserves an upload and returns the pending asset with the request to send its bytes with (URL made absolute); then
     * call {@link completeUpload}. {@link uploadFile} does all three steps. Not repeated after a lost connection.
     * @throws RangeError when `size` is not a whole number, 0 or more.
     */
    beginUpload(request: BeginUpload, options?: CallOptions): Promise<UploadTicket>;
    /**
     * Completes an upload whose bytes were sent: the server measures them, checks the SHA-256 (`sha256`, or the one declared
     * when the upload began) and the first bytes against the media type, and marks the asset ready. A mismatch is refused
     * with `invalid_argument` and the bytes are deleted.
     * @returns The ready asset.
     */
    completeUpload(assetId: string, sha256?: string, options?: CallOptions): Promise<Asset>;
    /**
     * Gets an asset's metadata.
     * @param via - The message the asset is reached through, for a file someone attached from their own space.
     */
    getAsset(assetId: string, via?: MessageRef, options?: CallOptions): Promise<Asset>;
    /**
     * Gets a fresh short-lived URL of an asset's bytes (absolute; it needs no credentials until `expiresAt`). For a link that
     * does not expire, see {@link assetUrl}.
     * @param via - The message the asset is reached through, for a file someone attached from their own space.
     */
    assetLink(assetId: string, via?: MessageRef, options?: CallOptions): Promise<AssetLink>;
    /**
     * The stable link of an asset, `GET {prefix}/assets/{assetId}`, as an absolute http(s) URL. The prefix is the path of
     * the WebSocket URL this client connects to (the pattern the host passed to `MapConversations`, under which the HTTP
     * API lives), on the same host with ws → http and wss → https; the client URL's query is left out. Each request checks
     * access with the HTTP API's credentials (a cookie, or an `Authorization` header; no token is put in the URL) and
     * redirects to a short-lived URL of the bytes. Nothing is sent.
     * @param via - The message the asset is reached through, for a file someone attached from their own space.
     */
    assetUrl(assetId: string, via?: MessageRef): string;
    /** Moves or renames an asset within its space; an absent `folder` or `name` stays as it is. */
    moveAsset(assetId: string, changes: AssetMove, options?: CallOptions): Promise<Asset>;
    /** Deletes an asset: it is no longer readable once this resolves. Not repeated after a lost connection. */
    deleteAsset(assetId: string, options?: CallOptions): Promise<void>;
    /**
     * Reads a page of a folder (the top one by default): sub-folders first, then ready assets, each by name.
     * @throws RangeError when `limit` is not a whole number above 0.
     */
    listAssets(scope: AssetScope, query?: AssetListQuery, options?: CallOptions): Promise<AssetListing>;
    /** Creates a folder (such as `/reports/2026`) and any missing parents; returns it. */
    createAssetFolder(scope: AssetScope, path: string, options?: CallOptions): Promise<AssetFolder>;
    /** Moves or renames a folder with everything in it; returns it at its new path. Not repeated after a lost connection. */
    moveAssetFolder(scope: AssetScope, path: string, newPath: string, options?: CallOptions): Promise<AssetFolder>;
    /**
     * Deletes a folder with its sub-folders and assets. Not repeated after a lost connection.
     * @returns How many assets were deleted.
     */
    deleteAssetFolder(scope: AssetScope, path: string, options?: CallOptions): Promise<number>;
    /**
     * Sends any command of the protocol and returns its result: the escape hatch for commands this client has no method for.
     * @param type - The command, for example `rooms.get`.
     * @param args - Its arguments; `type` and `id` are set by the client.
     * @param options - `retryable: false` for commands that must not be sent twice (default true);
     *   `timeoutMs` (0 for none) overrides `requestTimeoutMs`.
     */
    command<T>(type: string, args: Record<string, unknown>, options?: CallOptions & {
        retryable?: boolean;
        timeoutMs?: number;
    }): Promise<T>;
    /** @internal Ends a subscription on the server (used by {@link Subscription.close}). */
    unsubscribe(subscription: Subscription<never>): Promise<void>;
}
