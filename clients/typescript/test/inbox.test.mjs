// The inbox subscription and the agent reply controls (stop, regenerate), against the real sample host and its offline
// Assistant; and the inbox subscription's rules on their own.
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { ConversationsError, InboxSubscription, openConversation } from "../dist/index.js";
import { Collector, SampleHost, once } from "./helpers/host.mjs";
import { CuttableProxy } from "./helpers/proxy.mjs";

let host;
let proxy;
const clients = [];
const connect = async (options) => {
  const c = await host.client(options);
  clients.push(c);
  return c;
};

before(async () => {
  // Slow words, so a reply is still streaming when the test stops it.
  host = await SampleHost.start(["--DemoAgent:WordDelay", "00:00:00.150", "--DemoAgent:ThinkingDelay", "00:00:00.010"]);
  proxy = await CuttableProxy.start(host.port);
});

after(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await proxy?.close();
  await host?.dispose();
});

const entryOf = (inbox, roomId) => inbox.entries.find((e) => e.room.id === roomId);

describe("inbox", () => {
  test("rooms are added, updated with unread counts and previews, read, and removed, live", async () => {
    const alice = await connect();
    const bob = await connect();
    const events = new Collector();
    const inbox = await bob.subscribeInbox({ onEvent: events.push });
    assert.equal(inbox.entries.length, 0);

    const room = await alice.createRoom({ name: "plans", participants: [{ accountId: bob.accountId }] });
    const conversation = await alice.createConversation(room.id, "week");
    await events.until((e) => e.some((x) => x.type === "inbox.room_added" && x.roomId === room.id), "the room added");

    const posted = await alice.post(conversation.id, { text: "**Monday** at 10?", format: "markdown" });
    await events.until(() => entryOf(inbox, room.id)?.unreadCount === 1, "one unread");
    const entry = entryOf(inbox, room.id);
    assert.equal(entry.lastMessage.text, "**Monday** at 10?");
    assert.equal(entry.lastMessage.senderId, alice.accountId);
    assert.equal(entry.conversations[0].readSequence, 0);
    assert.equal(inbox.unreadCount, 1);

    await bob.markRead(conversation.id, posted.sequence);
    await events.until(() => entryOf(inbox, room.id)?.unreadCount === 0, "read");
    assert.equal(entryOf(inbox, room.id).conversations[0].readSequence, posted.sequence);

    const page = await bob.inbox({ limit: 10 });
    assert.deepEqual(page.entries.map((e) => e.room.id), [room.id]);
    assert.equal(page.entries[0].version, entryOf(inbox, room.id).version);

    await alice.removeParticipant(room.id, bob.accountId);
    await events.until((e) => e.some((x) => x.type === "inbox.room_removed"), "removed");
    assert.equal(entryOf(inbox, room.id), undefined);
    const versions = events.items.filter((e) => e.type === "inbox.room_updated").map((e) => e.entry.version);
    assert.deepEqual(versions, [...versions].sort((a, b) => a - b), "versions only grow");
    assert.equal(new Set(versions).size, versions.length, "no entry arrives twice");
    await inbox.close();
  });

  test("after the socket is cut it resubscribes with the versions it holds and gets only what changed", async () => {
    const alice = await connect();
    const bob = await connect({ url: proxy.baseUrl });
    const quiet = await alice.createRoom({ name: "quiet", participants: [{ accountId: bob.accountId }] });
    const busy = await alice.createRoom({ name: "busy", participants: [{ accountId: bob.accountId }] });
    const conversation = await alice.createConversation(busy.id);
    const events = new Collector();
    const inbox = await bob.subscribeInbox({ onEvent: events.push });
    await events.until(() => inbox.entries.length === 2 && entryOf(inbox, busy.id).conversations.length === 1, "both rooms");
    const before = events.items.length;

    proxy.refuse = true;
    const lost = once(bob, "reconnecting");
    proxy.cut();
    await lost;
    await alice.post(conversation.id, { text: "while you were away" });
    const fresh = await alice.createRoom({ name: "fresh", participants: [{ accountId: bob.accountId }] });
    const back = once(bob, "reconnected");
    proxy.refuse = false;
    await back;
    await events.until(() => entryOf(inbox, busy.id)?.unreadCount === 1 && entryOf(inbox, fresh.id) !== undefined, "the changes made while away");

    const after = events.items.slice(before);
    assert.ok(!after.some((e) => e.roomId === quiet.id), "the quiet room did not change, so it is not sent again");
    assert.equal(after.filter((e) => e.roomId === fresh.id && e.type === "inbox.room_added").length, 1);
    assert.deepEqual(inbox.entries.map((e) => e.room.id), [fresh.id, busy.id, quiet.id], "newest activity first");
  });

  test("the subscription applies each entry once, newest version wins, and sorts by activity", () => {
    const host = { unsubscribe: async () => {} };
    const seen = [];
    const entry = (id, version, at, unread = 0) => ({ room: { id, kind: "standard", createdBy: "a", createdAt: at }, joinedAt: at, lastActivityAt: at, unreadCount: unread, conversations: [], version });
    const inbox = new InboxSubscription(host, { entries: [entry("r1", 5, "2026-01-01T00:00:00Z")], onEvent: (e) => seen.push(e) });
    inbox.deliver({ type: "inbox.room_updated", roomId: "r1", timestamp: "", entry: entry("r1", 5, "2026-01-01T00:00:00Z", 9) });
    inbox.deliver({ type: "inbox.room_updated", roomId: "r1", timestamp: "", entry: entry("r1", 4, "2026-01-01T00:00:00Z", 9) });
    assert.equal(seen.length, 0, "an entry at or below the version held is a repeat");
    inbox.deliver({ type: "inbox.room_added", roomId: "r2", timestamp: "", entry: entry("r2", 1, "2026-01-02T00:00:00Z", 2) });
    inbox.deliver({ type: "inbox.room_updated", roomId: "r1", timestamp: "", entry: entry("r1", 7, "2026-01-03T00:00:00Z", 1) });
    assert.deepEqual(inbox.entries.map((e) => e.room.id), ["r1", "r2"]);
    assert.equal(inbox.unreadCount, 3);
    assert.deepEqual(inbox.known(), { r1: 7, r2: 1 });
    inbox.deliver({ type: "inbox.room_removed", roomId: "r2", timestamp: "" });
    inbox.deliver({ type: "inbox.room_removed", roomId: "r2", timestamp: "" });
    assert.deepEqual(seen.map((e) => e.type), ["inbox.room_added", "inbox.room_updated", "inbox.room_removed"]);
  });
});

describe("agent reply controls", () => {
  async function withAssistant() {
    const alice = await connect();
    const room = await alice.directRoom([{ accountId: alice.accountId }, { accountId: "assistant", kind: "agent", autoRespond: true }]);
    const conversation = await alice.createConversation(room.id, "ask");
    const view = await openConversation(alice, conversation.id);
    return { alice, conversation, view };
  }

  test("stop keeps the text so far as stopped, and the agent writes no more", async () => {
    const { alice, conversation, view } = await withAssistant();
    const changes = new Collector();
    view.on("message", changes.push);
    await view.send("help");
    await changes.until((items) => items.some((i) => i.status === "streaming" && i.text.split(" ").length >= 3), "a few streamed words");
    const reply = view.items.find((i) => i.status === "streaming");

    const stopped = await view.stop(reply);
    assert.equal(stopped.status, "stopped");
    await changes.until(() => reply.status === "stopped", "the view shows it stopped");
    assert.ok(stopped.text.length > 0 && "I am the offline demo assistant.".startsWith(stopped.text.slice(0, 20)));
    await assert.rejects(alice.stop(conversation.id, stopped.id), (e) => ConversationsError.is(e, "conflict"));
    const history = await alice.history(conversation.id);
    assert.equal(history.messages.filter((m) => m.senderId === "assistant").length, 1, "no second reply: the stopped run is not retried");
    assert.equal(history.messages.find((m) => m.id === stopped.id).text, stopped.text);
    await view.close();
  });

  test("regenerate replaces the reply once and the agent answers the same message again", async () => {
    const { alice, conversation, view } = await withAssistant();
    const changes = new Collector();
    view.on("message", changes.push);
    const question = await view.send("hello there");
    await changes.until(() => view.items.some((i) => i.senderId === "assistant" && i.status === "complete"), "the first reply");
    const first = view.items.find((i) => i.senderId === "assistant");

    const replaced = await view.regenerate(first);
    assert.ok(replaced.deletedAt);
    await changes.until(() => first.status === "deleted" && view.items.some((i) => i !== first && i.senderId === "assistant" && i.status === "complete"), "the new reply");
    const second = view.items.find((i) => i !== first && i.senderId === "assistant");
    assert.equal(second.message.replyToId, question.id);
    assert.match(second.text, /^Let me try that again\. Hello/);
    await assert.rejects(alice.regenerate(conversation.id, first.message.id), (e) => ConversationsError.is(e, "conflict"));
    await assert.rejects(alice.regenerate(conversation.id, question.id), (e) => ConversationsError.is(e, "invalid_argument"));
    await view.close();
  });
});
