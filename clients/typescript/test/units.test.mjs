// Unit tests of the pieces that need no server: streamed text assembly, backoff, errors, option checks.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import WebSocket from "ws";
import { ConversationsClient, ConversationsError, ErrorCodes, ExponentialBackoff, MessageTextAssembler, newClientMessageId } from "../dist/index.js";

const message = (id, text, status = "streaming", extra = {}) => ({
  id, roomId: "r", conversationId: "c", sequence: 5, lastSequence: 5, senderId: "assistant", senderKind: "agent",
  text, status, createdAt: "2026-11-25T07:00:00+00:00", ...extra,
});
const posted = (m) => ({ type: "conversation.message_posted", roomId: "r", conversationId: "c", actorId: m.senderId, timestamp: m.createdAt, sequence: m.lastSequence, message: m });
const updated = (m) => ({ ...posted(m), type: "conversation.message_updated" });
const delta = (messageId, index, text) => ({ type: "conversation.message_delta", roomId: "r", conversationId: "c", actorId: "assistant", timestamp: "", messageId, messageSequence: 5, index, delta: text });
const snapshot = (messageId, text, deltaCount) => ({ type: "conversation.message_snapshot", roomId: "r", conversationId: "c", actorId: "assistant", timestamp: "", messageId, messageSequence: 5, text, deltaCount });

describe("MessageTextAssembler", () => {
  test("appends chunks in index order, each once, from a stream seen from its start", () => {
    const a = new MessageTextAssembler();
    a.apply(posted(message("m1", "")));
    a.apply(delta("m1", 0, "Hel"));
    assert.equal(a.apply(delta("m1", 0, "Hel")), undefined, "a repeated chunk changes nothing");
    a.apply(delta("m1", 1, "lo"));
    assert.deepEqual(a.get("m1"), { messageId: "m1", text: "Hello", status: "streaming", nextIndex: 2 });
  });

  test("holds a chunk after a gap until the gap fills", () => {
    const a = new MessageTextAssembler();
    a.apply(posted(message("m1", "")));
    a.apply(delta("m1", 0, "a"));
    assert.equal(a.apply(delta("m1", 2, "c")), undefined);
    assert.equal(a.get("m1").text, "a");
    assert.equal(a.apply(delta("m1", 1, "b")).text, "abc");
    assert.equal(a.get("m1").nextIndex, 3);
  });

  test("a snapshot replaces the text, continues from deltaCount, and drops lower chunks", () => {
    const a = new MessageTextAssembler();
    a.apply(posted(message("m1", "")));
    a.apply(delta("m1", 0, "x"));
    a.apply(delta("m1", 5, "F")); // held: after the gap
    const after = a.apply(snapshot("m1", "ABCDE", 5));
    assert.equal(after.text, "ABCDEF", "the held chunk 5 follows the snapshot");
    assert.equal(a.apply(delta("m1", 3, "?")), undefined, "chunks the snapshot covers are ignored");
    assert.equal(a.apply(delta("m1", 6, "G")).text, "ABCDEFG");
  });

  test("a later snapshot of the same message replaces the text by the same rule; an older one is ignored", () => {
    const a = new MessageTextAssembler();
    a.apply(snapshot("m1", "one", 1));
    a.apply(delta("m1", 1, " two"));
    assert.equal(a.apply(snapshot("m1", "one", 1)), undefined, "a snapshot behind what is assembled changes nothing");
    assert.equal(a.apply(snapshot("m1", "one two three", 3)).text, "one two three");
    assert.equal(a.apply(delta("m1", 2, " three")), undefined);
    assert.equal(a.apply(delta("m1", 3, "!")).text, "one two three!");
  });

  test("a stored checkpoint is shown, and its chunks wait for a snapshot", () => {
    const a = new MessageTextAssembler();
    a.apply(posted(message("m1", "Hello wor")));
    assert.equal(a.get("m1").nextIndex, null, "how many chunks the checkpoint holds is unknown");
    assert.equal(a.apply(delta("m1", 4, "ld")), undefined);
    assert.equal(a.get("m1").text, "Hello wor");
    assert.equal(a.apply(snapshot("m1", "Hello wor", 4)).text, "Hello world");
  });

  test("the final update carries the whole text and ends the stream", () => {
    const a = new MessageTextAssembler();
    a.apply(posted(message("m1", "")));
    a.apply(delta("m1", 0, "partial"));
    const done = a.apply(updated(message("m1", "the whole text", "complete", { lastSequence: 9 })));
    assert.deepEqual({ text: done.text, status: done.status }, { text: "the whole text", status: "complete" });
    assert.equal(a.apply(delta("m1", 1, "late")), undefined);
    assert.equal(a.apply(snapshot("m1", "older", 1)), undefined);
    assert.equal(a.get("m1").text, "the whole text");
  });

  test("a first chunk of an unseen message starts it; a later one waits", () => {
    const a = new MessageTextAssembler();
    assert.equal(a.apply(delta("m1", 0, "hi")).text, "hi");
    assert.equal(a.apply(delta("m2", 3, "x")), undefined);
    assert.equal(a.get("m2").text, "");
  });
});

describe("ExponentialBackoff", () => {
  test("retries at once, then doubles up to the cap, with bounded jitter", () => {
    const noJitter = new ExponentialBackoff({ initialDelayMs: 100, maxDelayMs: 1_000, random: () => 0 });
    const delays = [0, 1, 2, 3, 4, 5, 10].map((n) => noJitter.nextRetryDelay({ previousRetryCount: n, elapsedMs: 0, reason: null }));
    assert.deepEqual(delays, [0, 100, 200, 400, 800, 1_000, 1_000]);
    const fullJitter = new ExponentialBackoff({ initialDelayMs: 100, maxDelayMs: 1_000, jitter: 0.5, random: () => 0.999 });
    const d = fullJitter.nextRetryDelay({ previousRetryCount: 2, elapsedMs: 0, reason: null });
    assert.ok(d > 200 && d <= 300, `jitter stretches 200 by at most half: ${d}`);
  });

  test("gives up after maxElapsedMs", () => {
    const policy = new ExponentialBackoff({ maxElapsedMs: 5_000 });
    assert.equal(policy.nextRetryDelay({ previousRetryCount: 3, elapsedMs: 5_000, reason: null }), null);
    assert.notEqual(policy.nextRetryDelay({ previousRetryCount: 3, elapsedMs: 4_999, reason: null }), null);
  });

  test("refuses nonsensical options", () => {
    assert.throws(() => new ExponentialBackoff({ initialDelayMs: -1 }), RangeError);
    assert.throws(() => new ExponentialBackoff({ initialDelayMs: 10, maxDelayMs: 5 }), RangeError);
    assert.throws(() => new ExponentialBackoff({ jitter: 2 }), RangeError);
  });
});

describe("ConversationsClient options and errors", () => {
  test("refuses a missing or non-WebSocket URL and a missing WebSocket implementation", () => {
    assert.throws(() => new ConversationsClient({}), TypeError);
    assert.throws(() => new ConversationsClient({ url: "ftp://host/x", WebSocket }), /ws, wss, http or https/);
    assert.throws(() => new ConversationsClient({ url: "/relative", WebSocket }), /not a valid URL/, "no page to resolve against in Node");
    assert.throws(() => new ConversationsClient({ url: "ws://127.0.0.1:1/x" }), /No WebSocket implementation/);
    assert.throws(() => new ConversationsClient({ url: "ws://127.0.0.1:1/x", WebSocket, requestTimeoutMs: 0 }), RangeError);
  });

  test("commands before connect() are refused; bad ids are refused with invalid_argument before anything is sent", async () => {
    const client = new ConversationsClient({ url: "http://127.0.0.1:1/conversations", WebSocket });
    await assert.rejects(client.listRooms(), /connect\(\)/);
    await assert.rejects(client.post("", { text: "x" }), (e) => ConversationsError.is(e, ErrorCodes.invalidArgument));
    await client.close();
    await assert.rejects(client.listRooms(), (e) => ConversationsError.is(e, "unavailable"));
  });

  test("ConversationsError carries a stable code and says whether to retry", () => {
    const e = new ConversationsError("unavailable", "later", { requestId: "7", command: "ping" });
    assert.ok(ConversationsError.is(e) && ConversationsError.is(e, "unavailable") && !ConversationsError.is(e, "forbidden"));
    assert.equal(e.retryable, true);
    assert.equal(new ConversationsError("forbidden", "no").retryable, false);
    assert.deepEqual([e.requestId, e.command, e.name], ["7", "ping", "ConversationsError"]);
    assert.equal(ConversationsError.is(new Error("x")), false);
  });

  test("client message ids are unique", () => {
    const ids = new Set(Array.from({ length: 1_000 }, newClientMessageId));
    assert.equal(ids.size, 1_000);
  });
});
