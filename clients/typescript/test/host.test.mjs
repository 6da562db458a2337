// The SDK against the real sample host (a process on 127.0.0.1 with its SQLite store): typed errors, ordering across
// many clients, streaming, typing and read markers, cancellation.
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import WebSocket from "ws";
import { ConversationsClient, ConversationsError, openConversation } from "../dist/index.js";
import { Collector, SampleHost, within } from "./helpers/host.mjs";

let host;
const clients = [];
const connect = async (options) => {
  const c = await host.client(options);
  clients.push(c);
  return c;
};

before(async () => {
  host = await SampleHost.start();
});

after(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await host?.dispose();
});

/** A standard room owned by `owner` with the given members, and a conversation in it. */
async function roomWith(owner, members = []) {
  const room = await owner.createRoom({ name: "test", participants: members.map((m) => ({ accountId: m.accountId })) });
  const conversation = await owner.createConversation(room.id, "test");
  return { room, conversation };
}

describe("typed errors", () => {
  test("a refused command rejects with the server's stable code and changes nothing", async () => {
    const alice = await connect();
    const { conversation } = await roomWith(alice);

    await assert.rejects(alice.post("no-such-conversation", { text: "hi" }), (e) =>
      ConversationsError.is(e, "not_found") && e.command === "messages.post" && typeof e.requestId === "string");
    await assert.rejects(alice.post(conversation.id, { text: "x".repeat(40_000) }), (e) => ConversationsError.is(e, "limit_exceeded"));
    await assert.rejects(alice.command("no.such.command", {}), (e) => ConversationsError.is(e, "invalid_argument"));
    await assert.rejects(alice.edit(conversation.id, "no-such-message", { text: "y" }), (e) => ConversationsError.is(e, "not_found"));

    const page = await alice.history(conversation.id);
    assert.equal(page.messages.length, 0, "no refused command stored anything");
    assert.equal(alice.state, "open", "errors do not close the connection");
  });

  test("someone outside the room is forbidden to read, follow or post", async () => {
    const alice = await connect();
    const mallory = await connect();
    const { conversation } = await roomWith(alice);
    await alice.post(conversation.id, { text: "private" });

    await assert.rejects(mallory.history(conversation.id), (e) => ConversationsError.is(e, "forbidden"));
    await assert.rejects(mallory.subscribe(conversation.id), (e) => ConversationsError.is(e, "forbidden"));
    await assert.rejects(mallory.post(conversation.id, { text: "intrusion" }), (e) => ConversationsError.is(e, "forbidden"));

    const page = await alice.history(conversation.id);
    assert.deepEqual(page.messages.map((m) => m.text), ["private"]);
  });

  test("a bad token is refused at connect with unauthenticated", async () => {
    const client = new ConversationsClient({ url: host.baseUrl + "/conversations", WebSocket, accessToken: () => "not-a-token", reconnect: false });
    await assert.rejects(client.connect(), (e) => ConversationsError.is(e, "unauthenticated"));
    const anonymous = new ConversationsClient({ url: host.baseUrl + "/conversations", WebSocket, reconnect: false });
    await assert.rejects(anonymous.connect(), (e) => ConversationsError.is(e, "unauthenticated"));
    await client.close();
    await anonymous.close();
  });
});

describe("ordering", () => {
  test("20 clients posting at once all see the same log, in sequence order, each entry once", async () => {
    const people = await Promise.all(Array.from({ length: 20 }, () => connect()));
    const { conversation } = await roomWith(people[0], people.slice(1));
    const seen = people.map(() => new Collector());
    await Promise.all(people.map((p, i) => p.subscribe(conversation.id, { onEvent: (e) => e.type === "conversation.message_posted" && seen[i].push(e) })));

    await Promise.all(people.flatMap((p, i) => [1, 2, 3].map((n) => p.post(conversation.id, { text: `${i}.${n}` }))));
    await Promise.all(seen.map((s) => s.until((items) => items.length >= 60, "60 posts")));

    const first = seen[0].items.map((e) => e.message.id);
    assert.deepEqual(seen[0].items.map((e) => e.sequence), Array.from({ length: 60 }, (_, i) => i + 1));
    for (const s of seen) {
      assert.deepEqual(s.items.map((e) => e.message.id), first, "every client sees the same order");
    }
    const page = await people[0].history(conversation.id, { limit: 100 });
    assert.deepEqual(page.messages.map((m) => m.id), first, "the order is the stored order");
  });
});

describe("streaming, typing and read markers", () => {
  test("a conversation view assembles the agent's streamed reply and ends with the stored text", async () => {
    const alice = await connect();
    const room = await alice.directRoom([{ accountId: alice.accountId }, { accountId: "assistant", kind: "agent", autoRespond: true }]);
    const again = await alice.directRoom([{ accountId: "assistant", kind: "agent", autoRespond: true }, { accountId: alice.accountId }]);
    assert.equal(again.id, room.id, "one direct room per participant set");
    const conversation = await alice.createConversation(room.id);
    const view = await openConversation(alice, conversation.id);
    const texts = new Collector();
    view.on("message", (item) => item.senderId === "assistant" && texts.push({ status: item.status, text: item.text }));

    await view.send("hello there");
    await texts.until((t) => t.some((x) => x.status === "complete"), "the complete reply");

    const streaming = texts.items.filter((x) => x.status === "streaming").map((x) => x.text);
    const complete = texts.items.find((x) => x.status === "complete").text;
    assert.ok(streaming.length > 3, "the reply arrived in pieces");
    for (let i = 1; i < streaming.length; i++) assert.ok(streaming[i].startsWith(streaming[i - 1]), "the text only grows");
    assert.ok(complete.startsWith(streaming.at(-1)), "the stored text continues what was streamed");
    assert.match(complete, /^Hello, /);
    const items = view.items.map((i) => [i.senderId === alice.accountId ? "me" : i.senderId, i.status]);
    assert.deepEqual(items, [["me", "complete"], ["assistant", "complete"]]);
    await view.close();
  });

  test("stream() sends chunks that another client assembles to the completed text", async () => {
    const alice = await connect();
    const bob = await connect();
    const { conversation } = await roomWith(alice, [bob]);
    const view = await openConversation(bob, conversation.id);
    const seen = new Collector();
    view.on("message", (item) => seen.push(item.text));
    async function* chunks() {
      for (const word of ["one", " two", " three"]) yield word;
    }

    const done = await alice.stream(conversation.id, chunks());
    await seen.until(() => view.items[0]?.status === "complete", "the completed message");

    assert.equal(done.text, "one two three");
    assert.equal(done.status, "complete");
    assert.equal(view.items[0].text, "one two three");
    assert.ok(seen.items.includes("one two"), "bob saw the text grow");
  });

  test("typing and read markers reach the others", async () => {
    const alice = await connect();
    const bob = await connect();
    const { conversation } = await roomWith(alice, [bob]);
    const posted = await alice.post(conversation.id, { text: "read me" });
    const bobView = await openConversation(bob, conversation.id);
    const aliceView = await openConversation(alice, conversation.id);
    const typing = new Collector();
    const reads = new Collector();
    aliceView.on("typing", typing.push);
    aliceView.on("read", (who, seq) => reads.push([who, seq]));

    await bob.setTyping(conversation.id, true);
    await typing.until((t) => t.some((ids) => ids.includes(bob.accountId)), "bob typing");
    bobView.markRead();
    await reads.until((r) => r.some(([who]) => who === bob.accountId), "bob's read marker");

    assert.deepEqual(reads.items.find(([who]) => who === bob.accountId), [bob.accountId, posted.sequence]);
    const markers = await alice.readMarkers(conversation.id);
    assert.equal(markers.find((m) => m.accountId === bob.accountId)?.sequence, posted.sequence);
    await assert.rejects(bob.markRead(conversation.id, -1), (e) => ConversationsError.is(e, "invalid_argument"));
  });

  test("an aborted post is never sent, and an aborted subscription stops", async () => {
    const alice = await connect();
    const { conversation } = await roomWith(alice);
    const controller = new AbortController();
    controller.abort(new Error("changed my mind"));

    await assert.rejects(alice.post(conversation.id, { text: "never" }, { signal: controller.signal }), /changed my mind/);

    const follow = new AbortController();
    const subscription = await alice.subscribe(conversation.id, { signal: follow.signal, onEvent: () => {} });
    follow.abort();
    await within(5_000, new Promise((r) => subscription.onEnded(r)), "the subscription to end");
    assert.equal(subscription.ended, true);
    await alice.post(conversation.id, { text: "after" });
    const page = await alice.history(conversation.id);
    assert.deepEqual(page.messages.map((m) => m.text), ["after"]);
    assert.equal(alice.queuedPosts, 0);
  });
});
