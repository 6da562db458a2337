import { ConversationsError } from "./errors.js";
/** The reason to reject with when `signal` is aborted. */
export declare function abortReason(signal: AbortSignal): unknown;
/** Throws the signal's reason if it is aborted. */
export declare function throwIfAborted(signal: AbortSignal | undefined): void;
/** A fresh idempotency key: a random UUID, or 128 random bits in hex where `randomUUID` is unavailable (insecure pages). */
export declare function newClientMessageId(): string;
/** A promise with its resolve and reject functions. */
export interface Deferred<T> {
    promise: Promise<T>;
    resolve(value: T): void;
    reject(reason: unknown): void;
}
/** Creates a {@link Deferred}. */
export declare function deferred<T>(): Deferred<T>;
/** Maps the HTTP status of a refused WebSocket handshake to an error code. */
export declare function codeForStatus(status: number): string;
/**
 * Reads the HTTP status out of a WebSocket error event where the implementation tells it (Node's `ws` says
 * "Unexpected server response: 401"); browsers do not expose it.
 */
export declare function handshakeError(event: unknown): ConversationsError | undefined;
/** Whether a value is a plain JSON object (not null, not an array). */
export declare function isObject(value: unknown): value is Record<string, unknown>;
