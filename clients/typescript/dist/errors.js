/**
 * The stable error codes of `conversations.v1.json` (section 4 of the protocol). The server sends them in error frames
 * and problem details; this client uses the same codes for failures it detects itself (a lost connection is
 * `unavailable`, a frame it cannot read is `invalid_argument`).
 */
export const ErrorCodes = {
    /** Malformed input, a missing argument, an unknown command, a bad value. */
    invalidArgument: "invalid_argument",
    /** No identity, or the server refused the credentials. */
    unauthenticated: "unauthenticated",
    /** Not a participant, the role does not allow it, or the origin was refused. */
    forbidden: "forbidden",
    /** No such room, conversation, message or open stream. */
    notFound: "not_found",
    /** The state forbids it (already a participant, message deleted, stream closed). */
    conflict: "conflict",
    /** Too large, or too many (subscriptions, streams, queued posts). */
    limitExceeded: "limit_exceeded",
    /** Not connected, timed out, shutting down: try again later. */
    unavailable: "unavailable",
    /** An unexpected failure on the server. */
    internal: "internal",
};
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
export class ConversationsError extends Error {
    /** The stable error code. */
    code;
    /** The request id of the command the server refused, when there was one. */
    requestId;
    /** The command type that failed, when known (for example `messages.post`). */
    command;
    /**
     * Creates an error.
     * @param code - The stable error code.
     * @param message - A description for people.
     * @param details - The request id and command, and the underlying cause if any.
     */
    constructor(code, message, details) {
        super(message, details?.cause === undefined ? undefined : { cause: details.cause });
        this.name = "ConversationsError";
        this.code = code;
        this.requestId = details?.requestId;
        this.command = details?.command;
    }
    /** Whether trying again later may succeed (`unavailable` or `internal`). */
    get retryable() {
        return this.code === ErrorCodes.unavailable || this.code === ErrorCodes.internal;
    }
    /**
     * Tells whether `error` is a {@link ConversationsError}, optionally with the given code.
     * @param error - Anything caught.
     * @param code - The code to match; any code when absent.
     */
    static is(error, code) {
        return error instanceof ConversationsError && (code === undefined || error.code === code);
    }
}
