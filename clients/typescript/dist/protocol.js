/**
 * The shapes of `conversations.v1.json`: the model the server sends, the events it pushes, and the frames on the wire.
 * Property names are camelCase and enums are lower snake case strings, exactly as in `docs/protocol.md`.
 * Unknown properties may appear (servers add fields within a version); clients ignore them.
 *
 * @packageDocumentation
 */
/** The WebSocket subprotocol this client speaks. */
export const SUBPROTOCOL = "conversations.v1.json";
/** Tells whether an event is a change to a conversation's log (it then has `sequence` and `message`). */
export function isMessageLogEvent(e) {
    return e.type === "conversation.message_posted" || e.type === "conversation.message_updated" || e.type === "conversation.message_deleted";
}
/** Tells whether an event belongs to a room subscription rather than a conversation subscription. */
export function isRoomEvent(e) {
    return e.type.startsWith("room.") || e.type === "conversation.created";
}
/**
 * Names a room's library.
 * @throws TypeError when `roomId` is empty.
 */
export function roomScope(roomId) {
    return `room:${scopeId(roomId, "roomId")}`;
}
/**
 * Names an account's own space.
 * @throws TypeError when `accountId` is empty.
 */
export function accountScope(accountId) {
    return `account:${scopeId(accountId, "accountId")}`;
}
function scopeId(id, name) {
    if (typeof id !== "string" || id.trim().length === 0) {
        throw new TypeError(`${name} must be a non-empty string.`);
    }
    return id;
}
