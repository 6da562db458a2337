// Reconnect and resume against the real sample host: the socket is cut (through a proxy the test controls), answers get
// lost on the way, and the host itself restarts. Each log change arrives once and in order; each offline post is stored
// once.
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { Collector, SampleHost, once, stateIs } from "./helpers/host.mjs";
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
  host = await SampleHost.start();
  proxy = await CuttableProxy.start(host.port);
});

after(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await proxy?.close();
  await host?.dispose();
});

async function sharedConversation(owner, member) {
  const room = await owner.createRoom({ name: "resume", participants: [{ accountId: member.accountId }] });
  return owner.createConversation(room.id);
}

const sequences = (events) => events.filter((e) => "sequence" in e && e.type.startsWith("conversation.message_")).map((e) => e.sequence);
const oneToN = (n) => Array.from({ length: n }, (_, i) => i + 1);

describe("resume", () => {
  test("after the socket is cut, the subscription resumes from its last sequence: no gap, no repeat", async () => {
    const poster = await connect();
    const reader = await connect({ url: proxy.baseUrl });
    const conversation = await sharedConversation(poster, reader);
    const events = new Collector();
    await reader.subscribe(conversation.id, { onEvent: events.push });
    for (const n of [1, 2, 3]) await poster.post(conversation.id, { text: "before " + n });
    await events.until((e) => sequences(e).length === 3, "the first three");

    proxy.refuse = true;
    const lost = once(reader, "reconnecting");
    proxy.cut();
    await lost;
    for (const n of [4, 5, 6, 7]) await poster.post(conversation.id, { text: "while away " + n });
    const back = once(reader, "reconnected");
    proxy.refuse = false;
    await back;
    await poster.post(conversation.id, { text: "after 8" });
    await events.until((e) => sequences(e).length >= 8, "all eight");

    assert.deepEqual(sequences(events.items), oneToN(8));
    assert.deepEqual(events.items.filter((e) => e.type === "conversation.message_posted").map((e) => e.message.text.split(" ").at(-1)), ["1", "2", "3", "4", "5", "6", "7", "8"]);
  });

  test("posts made while offline wait in the queue and are stored exactly once after reconnect", async () => {
    const owner = await connect();
    const writer = await connect({ url: proxy.baseUrl });
    const conversation = await sharedConversation(owner, writer);

    proxy.refuse = true;
    proxy.cut();
    await stateIs(writer, "reconnecting");
    const posts = ["one", "two", "three"].map((text) => writer.post(conversation.id, { text }));
    assert.equal(writer.queuedPosts, 3);
    proxy.refuse = false;
    const stored = await Promise.all(posts);

    const page = await owner.history(conversation.id);
    assert.deepEqual(page.messages.map((m) => m.text), ["one", "two", "three"], "each once, in the order posted");
    assert.deepEqual(stored.map((m) => m.id), page.messages.map((m) => m.id));
    assert.equal(writer.queuedPosts, 0);
  });

  test("a post whose answer was lost is sent again and still stored once", async () => {
    const owner = await connect();
    const writer = await connect({ url: proxy.baseUrl });
    const conversation = await sharedConversation(owner, writer);
    const ownerEvents = new Collector();
    await owner.subscribe(conversation.id, { onEvent: ownerEvents.push });

    proxy.muteServer = true; // the server hears the post, its answer never arrives
    const post = writer.post(conversation.id, { text: "exactly once" });
    await ownerEvents.until((e) => e.length >= 1, "the post to be stored");
    proxy.cut();
    proxy.muteServer = false;
    const message = await post;

    const page = await owner.history(conversation.id);
    assert.deepEqual(page.messages.map((m) => [m.id, m.text]), [[message.id, "exactly once"]]);
  });

  test("a view keeps pending posts through a cut and shows each stored message once", async () => {
    const { openConversation } = await import("../dist/index.js");
    const owner = await connect();
    const writer = await connect({ url: proxy.baseUrl });
    const conversation = await sharedConversation(owner, writer);
    const view = await openConversation(writer, conversation.id);

    proxy.refuse = true;
    proxy.cut();
    await stateIs(writer, "reconnecting");
    const sent = view.send("typed while offline");
    assert.deepEqual(view.items.map((i) => i.status), ["pending"]);
    await owner.post(conversation.id, { text: "from the owner" });
    proxy.refuse = false;
    await sent;
    const texts = new Collector();
    view.on("message", () => texts.push(view.items.map((i) => i.text)));
    await texts.until(() => view.items.length === 2 && view.items.every((i) => i.status === "complete"), "both messages");

    assert.deepEqual(view.items.map((i) => i.text), ["from the owner", "typed while offline"]);
    assert.deepEqual(view.items.map((i) => i.sequence), [1, 2]);
    await view.close();
  });
});

describe("host restart", () => {
  test("subscriptions resume and offline posts are delivered once when the host comes back", async () => {
    const alice = await connect();
    const bob = await connect();
    const conversation = await sharedConversation(alice, bob);
    const events = new Collector();
    await bob.subscribe(conversation.id, { onEvent: events.push });
    await alice.post(conversation.id, { text: "a1" });
    await events.until((e) => sequences(e).length === 1, "the first post");

    const down = Promise.all([stateIs(alice, "reconnecting"), stateIs(bob, "reconnecting")]);
    await host.stop();
    await down;
    const offline = [bob.post(conversation.id, { text: "b-offline-1" }), bob.post(conversation.id, { text: "b-offline-2" })];
    await host.run();
    await Promise.all(offline);
    await alice.post(conversation.id, { text: "a2" });
    await events.until((e) => sequences(e).length >= 4, "all four");

    assert.deepEqual(sequences(events.items), oneToN(4));
    const page = await alice.history(conversation.id);
    assert.deepEqual(page.messages.map((m) => m.text), ["a1", "b-offline-1", "b-offline-2", "a2"]);
  });
});
