// The conversation view against a scripted server: frame orders the real host produces only by chance (a post's ack
// before or after its event) and events it does not send yet (mid-stream snapshots).
import { test, describe, after } from "node:test";
import assert from "node:assert/strict";
import WebSocket from "ws";
import { ConversationsClient, openConversation } from "../dist/index.js";
import { fakeServer, closeFakeServers, command } from "./helpers/fake-server.mjs";
import { Collector } from "./helpers/host.mjs";

after(closeFakeServers);

const at = "2026-11-25T07:00:00+00:00";
const msg = (sequence, senderId, text, extra = {}) => ({
  id: "m" + sequence, roomId: "r1", conversationId: "c1", sequence, lastSequence: sequence, senderId,
  senderKind: senderId === "assistant" ? "agent" : "user", text, status: "complete", createdAt: at, ...extra,
});
const event = (type, fields) => JSON.stringify({ type: "event", event: { type, roomId: "r1", conversationId: "c1", actorId: "assistant", timestamp: at, ...fields } });
const ack = (frame, result) => JSON.stringify({ type: "ack", id: frame.id, result });
const conversation = { id: "c1", roomId: "r1", createdBy: "alice", createdAt: at };

describe("ConversationView", () => {
  test("joining mid-stream shows the stored checkpoint, then the snapshot and the chunks after it, then the stored text", async () => {
    let subscribeFrame;
    const { url } = await fakeServer(async (socket, frames) => {
      const history = await command(frames, "messages.history");
      socket.send(ack(history, { messages: [msg(1, "alice", "tell me"), msg(2, "assistant", "Hel", { status: "streaming" })], hasMore: false }));
      subscribeFrame = await command(frames, "subscribe");
      socket.send(ack(subscribeFrame, { ...conversation, lastSequence: 2 }));
      const markers = await command(frames, "read_markers.list");
      socket.send(ack(markers, []));
      socket.send(ack(await command(frames, "ping"))); // the test's cue: the view is open and listening
      socket.send(event("conversation.message_delta", { messageId: "m2", messageSequence: 2, index: 3, delta: "," }));
      socket.send(event("conversation.message_snapshot", { messageId: "m2", messageSequence: 2, text: "Hello", deltaCount: 3 }));
      socket.send(event("conversation.message_delta", { messageId: "m2", messageSequence: 2, index: 2, delta: "lo" }));
      socket.send(event("conversation.message_delta", { messageId: "m2", messageSequence: 2, index: 4, delta: " world" }));
      socket.send(event("conversation.message_updated", { sequence: 3, message: msg(2, "assistant", "Hello, world!", { lastSequence: 3 }) }));
    });
    const client = new ConversationsClient({ url, WebSocket, reconnect: false });
    await client.connect();

    const view = await openConversation(client, "c1");
    const texts = new Collector();
    view.on("message", (item) => texts.push([item.status, item.text]));
    assert.equal(subscribeFrame.afterSequence, 2, "subscribed right after the history read");
    assert.deepEqual(view.items.map((i) => [i.status, i.text]), [["complete", "tell me"], ["streaming", "Hel"]]);
    await client.ping();
    await texts.until((t) => t.some(([status]) => status === "complete"), "the stored text");

    assert.deepEqual(texts.items, [
      ["streaming", "Hello,"],
      ["streaming", "Hello, world"],
      ["complete", "Hello, world!"],
    ]);
    await client.close();
  });

  test("a post shows at once and becomes one stored item, whether its answer or its event comes first", async () => {
    const { url } = await fakeServer(async (socket, frames) => {
      socket.send(ack(await command(frames, "messages.history"), { messages: [], hasMore: false }));
      socket.send(ack(await command(frames, "subscribe"), conversation));
      socket.send(ack(await command(frames, "read_markers.list"), []));
      const posts = await frames.until((f) => f.filter((x) => x.type === "messages.post").length === 2, "two posts");
      const [first, second] = posts.filter((x) => x.type === "messages.post");
      const stored = (frame, sequence) => msg(sequence, "alice", frame.text, { clientMessageId: frame.clientMessageId });
      const posted = (frame, sequence) => event("conversation.message_posted", { actorId: "alice", sequence, message: stored(frame, sequence) });
      socket.send(ack(first, stored(first, 1)));
      socket.send(posted(first, 1));
      socket.send(posted(second, 2));
      socket.send(ack(second, stored(second, 2)));
    });
    const client = new ConversationsClient({ url, WebSocket, reconnect: false });
    await client.connect();
    const view = await openConversation(client, "c1");
    const removed = new Collector();
    view.on("removed", removed.push);

    const sending = [view.send("ack first"), view.send("event first")];
    assert.deepEqual(view.items.map((i) => [i.status, i.text, i.sequence]), [["pending", "ack first", null], ["pending", "event first", null]]);
    const keys = view.items.map((i) => i.key);
    await Promise.all(sending);

    assert.deepEqual(view.items.map((i) => [i.status, i.text, i.sequence]), [["complete", "ack first", 1], ["complete", "event first", 2]]);
    assert.deepEqual(view.items.map((i) => i.key), keys, "each item kept its key");
    assert.equal(removed.items.length, 0);
    await client.close();
  });

  test("a refused post turns unsent with the server's error", async () => {
    const { url } = await fakeServer(async (socket, frames) => {
      socket.send(ack(await command(frames, "messages.history"), { messages: [], hasMore: false }));
      socket.send(ack(await command(frames, "subscribe"), conversation));
      socket.send(ack(await command(frames, "read_markers.list"), []));
      const post = await command(frames, "messages.post");
      socket.send(JSON.stringify({ type: "error", id: post.id, code: "forbidden", message: "Observers cannot post." }));
    });
    const client = new ConversationsClient({ url, WebSocket, reconnect: false });
    await client.connect();
    const view = await openConversation(client, "c1");

    await assert.rejects(view.send("let me in"), (e) => e.code === "forbidden");

    assert.equal(view.items[0].status, "unsent");
    assert.equal(view.items[0].error.code, "forbidden");
    await client.close();
  });
});
