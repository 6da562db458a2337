// Unit tests of the pieces that need no server: streamed text assembly, backoff, errors, option checks, and the asset
// calls' URL handling over a scripted in-memory socket.
import { test, describe, after } from "node:test";
import assert from "node:assert/strict";
import WebSocket from "ws";
import { ConversationsClient, ConversationsError, ErrorCodes, ExponentialBackoff, MessageTextAssembler, accountScope, newClientMessageId, roomScope } from "../dist/index.js";

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

/**
 * A WebSocket class whose server lives in memory: it welcomes each connection and acks each command with
 * `answer(frame)`. Commands are kept in `frames`. The URL's scheme is never dialled, so wss works without TLS.
 */
function scriptedSocket(answer) {
  const frames = [];
  class ScriptedSocket {
    readyState = 0;
    onopen = null;
    onmessage = null;
    onclose = null;
    onerror = null;
    constructor() {
      queueMicrotask(() => {
        this.readyState = 1;
        this.onopen?.({});
        this.onmessage?.({ data: JSON.stringify({ type: "welcome", protocol: "conversations.v1.json", accountId: "alice", accountKind: "user", maxMessageBytes: 262144 }) });
      });
    }
    send(data) {
      const frame = JSON.parse(data);
      frames.push(frame);
      const result = answer(frame);
      queueMicrotask(() => this.onmessage?.({ data: JSON.stringify({ type: "ack", id: frame.id, result }) }));
    }
    close() {
      this.readyState = 3;
    }
  }
  return { WebSocket: ScriptedSocket, frames };
}

const pendingAsset = { id: "a1", scope: "account:alice", folder: "/", name: "h.txt", mediaType: "text/plain", size: 5, uploadedBy: "alice", uploaderKind: "user", status: "pending", createdAt: "2026-11-25T07:00:00+00:00" };
const readyAsset = { ...pendingAsset, status: "ready", sha256: "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824" };

/** A server that answers uploads with relative URLs (as the file-system store does) and links with `linkUrl`. */
function assetServer(linkUrl = "/chat/conversations/blobs/assets/a1?op=get&sig=s") {
  return scriptedSocket((frame) => {
    switch (frame.type) {
      case "assets.upload.begin":
        return { asset: pendingAsset, upload: { method: "PUT", url: "/chat/conversations/blobs/assets/a1?op=put&sig=s", headers: { "Content-Type": "text/plain" }, expiresAt: "2026-11-25T08:00:00+00:00" } };
      case "assets.upload.complete":
        return readyAsset;
      case "assets.link":
        return { asset: readyAsset, url: linkUrl, expiresAt: "2026-11-25T07:05:00+00:00", inline: false };
      default:
        return null;
    }
  });
}

const scriptedClients = [];
after(() => Promise.all(scriptedClients.map((c) => c.close())));

/** A connected client over `server`'s socket; closed after the tests, even when one fails. */
async function scriptedClient(server, options) {
  const client = new ConversationsClient({ url: "ws://127.0.0.1:1/conversations", WebSocket: server.WebSocket, reconnect: false, heartbeatIntervalMs: 0, ...options });
  scriptedClients.push(client);
  await client.connect();
  return client;
}

describe("assets without a server", () => {
  for (const [endpoint, origin] of [["ws://chat.example:8080/chat/conversations", "http://chat.example:8080"], ["wss://chat.example/chat/conversations", "https://chat.example"], ["https://chat.example:8443/chat/conversations", "https://chat.example:8443"]]) {
    test(`relative upload and link URLs resolve against ${origin} for ${endpoint}`, async () => {
      const server = assetServer();
      const puts = [];
      const fetch = async (url, init) => {
        puts.push({ url, method: init.method, headers: init.headers, body: new TextDecoder().decode(init.body) });
        return new Response(null, { status: 200 });
      };
      const client = await scriptedClient(server, { url: endpoint, fetch });

      const asset = await client.uploadFile(new TextEncoder().encode("hello"), { name: "h.txt", mediaType: "text/plain" });

      assert.equal(asset.status, "ready");
      assert.deepEqual(puts, [{ url: origin + "/chat/conversations/blobs/assets/a1?op=put&sig=s", method: "PUT", headers: { "Content-Type": "text/plain" }, body: "hello" }]);
      const begin = server.frames.find((f) => f.type === "assets.upload.begin");
      assert.deepEqual([begin.name, begin.mediaType, begin.size, begin.sha256, begin.folder, begin.scope], ["h.txt", "text/plain", 5, readyAsset.sha256, undefined, undefined]);
      assert.equal(server.frames.find((f) => f.type === "assets.upload.complete").sha256, readyAsset.sha256);
      assert.equal((await client.assetLink("a1")).url, origin + "/chat/conversations/blobs/assets/a1?op=get&sig=s");
      assert.equal(client.assetUrl("a/1", { conversationId: "c 1", messageId: "m1" }), origin + "/chat/conversations/assets/a%2F1?conversationId=c+1&messageId=m1");
    });
  }

  test("absolute link URLs (S3) are kept; the stable link drops the endpoint's query and trailing slash", async () => {
    const server = assetServer("https://bucket.s3.example/assets/a1?X-Amz-Signature=s");
    const client = await scriptedClient(server, { url: "ws://127.0.0.1:1/conversations/?tenant=t" });
    assert.equal((await client.assetLink("a1")).url, "https://bucket.s3.example/assets/a1?X-Amz-Signature=s");
    assert.equal(client.assetUrl("a1"), "http://127.0.0.1:1/conversations/assets/a1");
  });

  test("storage's refusal becomes a ConversationsError: the problem's code, else one for the status", async () => {
    const answers = [
      new Response(JSON.stringify({ status: 413, detail: "Too big.", code: "limit_exceeded" }), { status: 413, headers: { "Content-Type": "application/problem+json" } }),
      new Response("<Error><Code>AccessDenied</Code></Error>", { status: 403, headers: { "Content-Type": "application/xml" } }),
      new Response("bad gateway", { status: 502, headers: { "Content-Type": "text/plain" } }),
    ];
    const server = assetServer();
    const client = await scriptedClient(server, { fetch: async () => answers.shift() });
    const upload = () => client.uploadFile(new TextEncoder().encode("hello"), { name: "h.txt", mediaType: "text/plain" });
    await assert.rejects(upload(), (e) => ConversationsError.is(e, "limit_exceeded") && e.message === "Too big.");
    await assert.rejects(upload(), (e) => ConversationsError.is(e, "forbidden"));
    await assert.rejects(upload(), (e) => ConversationsError.is(e, "unavailable") && /502/.test(e.message));
    await assert.rejects(client.uploadFile(new Uint8Array(1), { name: "x", fetch: async () => { throw new TypeError("fetch failed"); } }),
      (e) => ConversationsError.is(e, "unavailable") && e.cause instanceof TypeError);
    assert.equal(server.frames.filter((f) => f.type === "assets.upload.complete").length, 0, "a refused upload is not completed");
  });

  test("programming errors are refused before anything is sent", async () => {
    const server = assetServer();
    const client = await scriptedClient(server, { fetch: async () => new Response(null) });
    await assert.rejects(client.beginUpload({ name: "x", mediaType: "text/plain", size: -1 }), RangeError);
    await assert.rejects(client.beginUpload({ name: "x", mediaType: "text/plain", size: 1.5 }), RangeError);
    await assert.rejects(client.uploadFile("text", { name: "x" }), TypeError);
    await assert.rejects(client.uploadFile(new Uint8Array(1), { name: "" }), TypeError);
    await assert.rejects(client.listAssets(roomScope("r"), { limit: 0 }), RangeError);
    await assert.rejects(client.getAsset(""), (e) => ConversationsError.is(e, "invalid_argument"));
    await assert.rejects(client.getAsset("a1", { conversationId: "c" }), (e) => ConversationsError.is(e, "invalid_argument"));
    await assert.rejects(client.post("c", { attachments: [{ assetId: "" }] }), (e) => ConversationsError.is(e, "invalid_argument"));
    assert.throws(() => client.assetUrl(""), (e) => ConversationsError.is(e, "invalid_argument"));
    assert.throws(() => roomScope(""), TypeError);
    assert.deepEqual([roomScope("r1"), accountScope("alice")], ["room:r1", "account:alice"]);
    assert.deepEqual(server.frames, [], "nothing reached the server");
  });

  test("a post sends only each attachment's assetId", async () => {
    const server = scriptedSocket((frame) => ({ id: "m1", conversationId: frame.conversationId, attachments: frame.attachments }));
    const client = await scriptedClient(server);
    const received = { assetId: "a1", name: "h.txt", mediaType: "text/plain", size: 5 };
    await client.post("c1", { text: "again", attachments: [received] });
    await client.edit("c1", "m1", { attachments: [] });
    assert.deepEqual(server.frames.map((f) => f.attachments), [[{ assetId: "a1" }], []]);
  });
});
