import { ConversationsError, ErrorCodes } from "./errors.js";
/** The reason to reject with when `signal` is aborted. */
export function abortReason(signal) {
    return signal.reason ?? new DOMException("The operation was aborted.", "AbortError");
}
/** Throws the signal's reason if it is aborted. */
export function throwIfAborted(signal) {
    if (signal?.aborted) {
        throw abortReason(signal);
    }
}
/** A fresh idempotency key: a random UUID, or 128 random bits in hex where `randomUUID` is unavailable (insecure pages). */
export function newClientMessageId() {
    const c = globalThis.crypto;
    if (c && typeof c.randomUUID === "function") {
        try {
            return c.randomUUID();
        }
        catch {
            // randomUUID needs a secure context in browsers; fall through.
        }
    }
    const bytes = new Uint8Array(16);
    if (c && typeof c.getRandomValues === "function") {
        c.getRandomValues(bytes);
    }
    else {
        for (let i = 0; i < bytes.length; i++) {
            bytes[i] = Math.floor(Math.random() * 256);
        }
    }
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
/** Creates a {@link Deferred}. */
export function deferred() {
    let resolve;
    let reject;
    const promise = new Promise((res, rej) => {
        resolve = res;
        reject = rej;
    });
    return { promise, resolve, reject };
}
/** Maps the HTTP status of a refused WebSocket handshake to an error code. */
export function codeForStatus(status) {
    switch (status) {
        case 400:
            return ErrorCodes.invalidArgument;
        case 401:
            return ErrorCodes.unauthenticated;
        case 403:
            return ErrorCodes.forbidden;
        case 404:
            return ErrorCodes.notFound;
        case 413:
            return ErrorCodes.limitExceeded;
        default:
            return status >= 500 && status !== 503 ? ErrorCodes.internal : ErrorCodes.unavailable;
    }
}
/**
 * Reads the HTTP status out of a WebSocket error event where the implementation tells it (Node's `ws` says
 * "Unexpected server response: 401"); browsers do not expose it.
 */
export function handshakeError(event) {
    const message = event?.message
        ?? event?.error?.message;
    if (typeof message !== "string") {
        return undefined;
    }
    const match = /Unexpected server response: (\d{3})/.exec(message);
    if (!match) {
        return new ConversationsError(ErrorCodes.unavailable, `The connection failed: ${message}`);
    }
    const status = Number(match[1]);
    const code = codeForStatus(status);
    const text = code === ErrorCodes.unauthenticated
        ? "The server refused the credentials (HTTP 401)."
        : code === ErrorCodes.forbidden
            ? "The server refused the connection (HTTP 403), for example because of the page's origin."
            : `The server refused the connection (HTTP ${status}).`;
    return new ConversationsError(code, text);
}
/** Whether a value is a plain JSON object (not null, not an array). */
export function isObject(value) {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}
