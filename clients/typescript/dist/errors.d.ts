/**
 * The stable error codes of `conversations.v1.json` (section 4 of the protocol). The server sends them in error frames
 * and problem details; this client uses the same codes for failures it detects itself (a lost connection is
 * `unavailable`, a frame it cannot read is `invalid_argument`).
 */
export declare const ErrorCodes: {
    /** Malformed input, a missing argument, an unknown command, a bad value. */
    readonly invalidArgument: "invalid_argument";
    /** No identity, or the server refused the credentials. */
    readonly unauthenticated: "unauthenticated";
    /** Not a participant, the role does not allow it, or the origin was refused. */
    readonly forbidden: "forbidden";
    /** No such room, conversation, message or open stream. */
    readonly notFound: "not_found";
    /** The state forbids it (already a participant, message deleted, stream closed). */
    readonly conflict: "conflict";
    /** Too large, or too many (subscriptions, streams, queued posts). */
    readonly limitExceeded: "limit_exceeded";
    /** Not connected, timed out, shutting down: try again later. */
    readonly unavailable: "unavailable";
    /** An unexpected failure on the server. */
    readonly internal: "internal";
};
/** One of the stable error codes; a newer server may send a code this list does not have yet. */
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes] | (string & {});
/**
 * A refused or failed command. `code` is stable and meant for programs; `message` is for people.
 *
 * @example
 * ```ts
 * try {
 *   await client.post(conversationId, { text: "hi" });
 * } catch (e) {
 *   if (ConversationsError.is(e, "forbidden")) showNotAllowed();
 *   else throw e;
 * }
 * ```
 */
export declare class ConversationsError extends Error {
    /** The stable error code. */
    readonly code: ErrorCode;
    /** The request id of the command the server refused, when there was one. */
    readonly requestId: string | undefined;
    /** The command type that failed, when known (for example `messages.post`). */
    readonly command: string | undefined;
    /**
     * Creates an error.
     * @param code - The stable error code.
     * @param message - A description for people.
     * @param details - The request id and command, and the underlying cause if any.
     */
    constructor(code: ErrorCode, message: string, details?: {
        requestId?: string;
        command?: string;
        cause?: unknown;
    });
    /** Whether trying again later may succeed (`unavailable` or `internal`). */
    get retryable(): boolean;
    /**
     * Tells whether `error` is a {@link ConversationsError}, optionally with the given code.
     * @param error - Anything caught.
     * @param code - The code to match; any code when absent.
     */
    static is(error: unknown, code?: ErrorCode): error is ConversationsError;
}
