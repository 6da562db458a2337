// What the client does when a server misbehaves: a scripted WebSocket server on 127.0.0.1 sends frames the protocol does
// not allow. The client must skip them, report them, and keep working.
import { test, describe, after } from "node:test";
import assert from "node:assert/strict";
import WebSocket from "ws";
import { ConversationsClient, ConversationsError, ExponentialBackoff } from "../dist/index.js";
import { fakeServer, closeFakeServers } from "./helpers/fake-server.mjs";
import { Collector, once, stateIs, within } from "./helpers/host.mjs";

after(closeFakeServers);

const logEvent = (sequence, conversationId = "c1") => ({
  type: "event",
  event: {
    type: "conversation.message_posted", roomId: "r1", conversationId, actorId: "bob", timestamp: "2026-11-25T07:00:00+00:00", sequence,
    message: { id: "m" + sequence, roomId: "r1", conversationId, sequence, lastSequence: sequence, senderId: "bob", senderKind: "user", text: "t" + sequence, status: "complete", createdAt: "2026-11-25T07:00:00+00:00" },
  },
});

describe("bad server frames", () => {
  test("garbage, wrong shapes and binary frames are skipped and reported; the connection keeps working", async () => {
    const { url } = await fakeServer((socket, frames) => {
      frames.until((f) => f.some((x) => x.type === "rooms.list")).then((f) => {
        const id = f.find((x) => x.type === "rooms.list").id;
        socket.send("this is not json");
        socket.send("null\n[]\n42\n\"text\"");
        socket.send(JSON.stringify({ noType: true }));
        socket.send(Buffer.from([1, 2, 3]), { binary: true });
        socket.send(JSON.stringify({ type: "ack", id: "no-such-request", result: 1 }));
        socket.send(JSON.stringify({ type: "ack" }));
        socket.send(JSON.stringify({ type: "event" }));
        socket.send(JSON.stringify({ type: "event", event: { type: "conversation.message_posted", conversationId: "c1", sequence: "seven" } }));
        socket.send(JSON.stringify({ type: "from.the.future", id }));
        socket.send("{\"type\":\"ack\",\"id\":" + JSON.stringify(id) + ",\"result\":[{\"id\":\"r1\",\"kind\":\"standard\",\"createdBy\":\"alice\",\"createdAt\":\"x\"}]}\n{broken");
      });
    });
    const client = new ConversationsClient({ url, WebSocket, reconnect: false });
    const problems = new Collector();
    client.on("protocolError", (e) => problems.push(e));
    await client.connect();

    const rooms = await within(10_000, client.listRooms(), "the answer after the garbage");

    assert.deepEqual(rooms.map((r) => r.id), ["r1"]);
    assert.equal(client.state, "open");
    assert.ok(problems.items.length >= 8, `each bad frame is reported (${problems.items.length})`);
    assert.ok(problems.items.every((e) => ConversationsError.is(e, "invalid_argument")));
    await client.close();
  });

  test("malformed events are dropped while good ones arrive once and in order", async () => {
    const { url } = await fakeServer((socket, frames) => {
      frames.until((f) => f.some((x) => x.type === "subscribe")).then((f) => {
        socket.send(JSON.stringify({ type: "ack", id: f.find((x) => x.type === "subscribe").id, result: { id: "c1", roomId: "r1", createdBy: "bob", createdAt: "x", lastSequence: 3 } }));
        const bad = { type: "event", event: { type: "conversation.message_posted", roomId: "r1", conversationId: "c1", sequence: 2 } }; // no message
        socket.send([logEvent(1), bad, logEvent(2), logEvent(1), logEvent(3), logEvent(2)].map((x) => JSON.stringify(x)).join("\n"));
        socket.send(JSON.stringify({ type: "event", event: { type: "conversation.message_delta", roomId: "r1", conversationId: "c1", messageId: 5 } }));
        socket.send(JSON.stringify(logEvent(4)));
      });
    });
    const client = new ConversationsClient({ url, WebSocket, reconnect: false });
    await client.connect();
    const events = new Collector();
    const problems = new Collector();
    client.on("protocolError", (e) => problems.push(e));
    await client.subscribe("c1", { onEvent: events.push });

    await events.until((e) => e.length >= 4, "four good events");

    assert.deepEqual(events.items.map((e) => e.sequence), [1, 2, 3, 4]);
    assert.equal(problems.items.length, 2, "the event without a message and the delta without fields");
    await client.close();
  });

  test("a message event frame that leaves out what its message repeats is delivered whole", async () => {
    const slim = {
      type: "event", subscription: "conversation:c1",
      event: {
        type: "conversation.message_posted", roomId: "r1", conversationId: "c1", sequence: 1,
        message: { id: "m1", sequence: 1, senderId: "bob", senderKind: "user", text: "hi", createdAt: "2026-11-25T07:00:00+00:00" },
      },
    };
    const edited = {
      type: "event", subscription: "conversation:c1",
      event: {
        type: "conversation.message_updated", roomId: "r1", conversationId: "c1", actorId: "moderator", timestamp: "2026-11-25T07:05:00+00:00", sequence: 2,
        message: { id: "m1", sequence: 1, lastSequence: 2, senderId: "bob", senderKind: "user", text: "[removed]", status: "stopped", createdAt: "2026-11-25T07:00:00+00:00" },
      },
    };
    const { url } = await fakeServer((socket, frames) => {
      frames.until((f) => f.some((x) => x.type === "subscribe")).then((f) => {
        socket.send(JSON.stringify({ type: "ack", id: f.find((x) => x.type === "subscribe").id, result: { id: "c1", roomId: "r1", createdBy: "bob", createdAt: "x", lastSequence: 0 } }));
        socket.send(JSON.stringify(slim) + "\n" + JSON.stringify(edited));
      });
    });
    const client = new ConversationsClient({ url, WebSocket, reconnect: false });
    await client.connect();
    const events = new Collector();
    await client.subscribe("c1", { onEvent: events.push });

    const [posted, updated] = await events.until((e) => e.length >= 2, "both events");

    assert.deepEqual(
      { actorId: posted.actorId, timestamp: posted.timestamp, ...posted.message },
      { actorId: "bob", timestamp: "2026-11-25T07:00:00+00:00", id: "m1", roomId: "r1", conversationId: "c1", sequence: 1, lastSequence: 1, senderId: "bob",
        senderKind: "user", text: "hi", status: "complete", attachments: [], createdAt: "2026-11-25T07:00:00+00:00" });
    assert.equal(updated.actorId, "moderator", "what the frame says is kept");
    assert.equal(updated.timestamp, "2026-11-25T07:05:00+00:00");
    assert.equal(updated.message.lastSequence, 2);
    assert.equal(updated.message.status, "stopped");
    assert.equal(updated.message.roomId, "r1");
    await client.close();
  });

  test("an error frame that answers no command is reported as serverError, not thrown", async () => {
    const { url } = await fakeServer((socket) => socket.send(JSON.stringify({ type: "error", id: null, code: "invalid_argument", message: "bad frame" })));
    const client = new ConversationsClient({ url, WebSocket, reconnect: false });
    const errors = new Collector();
    client.on("serverError", errors.push);
    await client.connect();
    await errors.until((e) => e.length === 1, "the server error");
    assert.equal(errors.items[0].code, "invalid_argument");
    assert.equal(client.state, "open");
    await client.close();
  });

  test("a server that does not start with a welcome is refused with unavailable", async () => {
    const { url } = await fakeServer((socket) => socket.send("{\"type\":\"ack\",\"id\":\"1\"}"), { greet: false });
    const client = new ConversationsClient({ url, WebSocket, reconnect: false });
    await assert.rejects(client.connect(), (e) => ConversationsError.is(e, "unavailable") && /welcome/.test(e.message));
    assert.equal(client.state, "idle", "connect may be called again");
    await client.close();
  });

  test("a server that never answers is left after connectTimeoutMs", async () => {
    const { url } = await fakeServer(() => {}, { greet: false });
    const client = new ConversationsClient({ url, WebSocket, reconnect: false, connectTimeoutMs: 300 });
    await assert.rejects(client.connect(), (e) => ConversationsError.is(e, "unavailable") && /welcome/.test(e.message));
    await client.close();
  });

  test("a connection that stops answering pings is dropped and re-established", async () => {
    let connections = 0;
    const { url } = await fakeServer((socket, frames) => {
      connections++;
      if (connections > 1) {
        frames.until((f) => f.some((x) => x.type === "ping")).then((f) => socket.send(JSON.stringify({ type: "ack", id: f.find((x) => x.type === "ping").id })));
      }
      // The first connection swallows everything, like a network that died silently.
    });
    const client = new ConversationsClient({ url, WebSocket, heartbeatIntervalMs: 1_000, requestTimeoutMs: 500, reconnect: new ExponentialBackoff({ initialDelayMs: 10 }) });
    await client.connect();
    const reconnected = once(client, "reconnected");

    await reconnected;

    assert.equal(connections, 2);
    await stateIs(client, "open");
    await client.ping();
    await client.close();
  });
});
