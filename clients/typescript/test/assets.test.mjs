// Files against the real sample host, which keeps asset bytes in local files under its data folder and serves them
// through signed URLs: uploads, attachments filled in by the server, reading through a message, access checks, folders,
// and uploads the server refuses.
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import WebSocket from "ws";
import { ConversationsClient, ConversationsError, accountScope, roomScope } from "../dist/index.js";
import { Collector, SampleHost, fastReconnect } from "./helpers/host.mjs";

let host;
const clients = [];

before(async () => {
  host = await SampleHost.start();
});

after(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await host?.dispose();
});

/** A new guest: a connected client and its token (for the HTTP API). */
async function person(options = {}) {
  const { accessToken } = await host.guestToken();
  const client = new ConversationsClient({ url: host.baseUrl + "/conversations", accessToken: () => accessToken, WebSocket, reconnect: fastReconnect(), ...options });
  clients.push(client);
  await client.connect();
  return { client, token: accessToken };
}

/** A fetch that records each request and passes it on, optionally changed by `edit`. */
function recordingFetch(edit = (url, init) => [url, init]) {
  const calls = [];
  const fn = (url, init) => {
    calls.push({ url, method: init.method, headers: { ...init.headers }, size: init.body.byteLength });
    return fetch(...edit(url, init));
  };
  return { fn, calls };
}

const sha256 = (bytes) => createHash("sha256").update(bytes).digest("hex");
const bytesOf = async (response) => new Uint8Array(await response.arrayBuffer());

/** The file under the host's asset folder named after the asset, if there is one. */
function storedFile(assetId, dir = join(host.dataFolder, "assets")) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      const found = storedFile(assetId, full);
      if (found) return found;
    } else if (entry.name === assetId) {
      return full;
    }
  }
  return undefined;
}

/** A room owned by `owner` with `members`, a conversation in it, and a file `owner` uploaded to their own space. */
async function sharedFile(owner, members) {
  const room = await owner.createRoom({ name: "files", participants: members.map((m) => ({ accountId: m.accountId })) });
  const conversation = await owner.createConversation(room.id, "files");
  const bytes = new TextEncoder().encode("quarterly numbers: 1, 2, 3\n");
  const asset = await owner.uploadFile(bytes, { name: "q3.txt", mediaType: "text/plain" });
  return { room, conversation, bytes, asset };
}

describe("uploading", () => {
  test("uploadFile sends a Uint8Array and a Blob to the host's file store and returns ready assets", async () => {
    const recorder = recordingFetch();
    const { client: alice } = await person({ fetch: recorder.fn });

    const bytes = new Uint8Array(70_000).map((_, i) => (i * 7) % 256);
    const first = await alice.uploadFile(bytes, { name: "data.bin", mediaType: "application/octet-stream" });
    const csv = "a,b\n1,2\n";
    const second = await alice.uploadFile(new Blob([csv], { type: "text/csv" }), { name: "table.csv", folder: "/tables" });

    assert.deepEqual(
      [first.status, first.size, first.name, first.mediaType, first.folder, first.scope, first.sha256, first.uploadedBy],
      ["ready", 70_000, "data.bin", "application/octet-stream", "/", accountScope(alice.accountId), sha256(bytes), alice.accountId]);
    assert.deepEqual(
      [second.status, second.size, second.name, second.mediaType, second.folder, second.sha256],
      ["ready", csv.length, "table.csv", "text/csv", "/tables", sha256(csv)], "the Blob's type is the media type when none is given");

    assert.equal(recorder.calls.length, 2, "one request to storage per file");
    for (const call of recorder.calls) {
      assert.equal(call.method, "PUT");
      assert.ok(call.url.startsWith(host.baseUrl + "/conversations/blobs/"), `the host's relative upload URL, made absolute: ${call.url}`);
    }
    assert.equal(recorder.calls[1].headers["Content-Type"], "text/csv", "the signed headers are sent as given");
    assert.deepEqual(new Uint8Array(readFileSync(storedFile(first.id))), bytes, "the sample host keeps the bytes in a local file");

    const listing = await alice.listAssets(accountScope(alice.accountId));
    assert.deepEqual(listing.folders.map((f) => f.path), ["/tables"]);
    assert.deepEqual(listing.assets.map((a) => a.id), [first.id]);
  });

  test("a bad name is refused with invalid_argument and nothing is stored or sent", async () => {
    const recorder = recordingFetch();
    const { client: alice } = await person();

    await assert.rejects(alice.uploadFile(new Uint8Array([1, 2, 3]), { name: "a/b", mediaType: "text/plain", fetch: recorder.fn }),
      (e) => ConversationsError.is(e, "invalid_argument") && e.command === "assets.upload.begin");
    await assert.rejects(alice.uploadFile(new Uint8Array([1]), { name: "..", fetch: recorder.fn }), (e) => ConversationsError.is(e, "invalid_argument"));
    await assert.rejects(alice.uploadFile(new Uint8Array([1]), { name: "  ", fetch: recorder.fn }), TypeError, "a blank name is a programming error");

    assert.equal(recorder.calls.length, 0);
    const listing = await alice.listAssets(accountScope(alice.accountId));
    assert.deepEqual([listing.folders.length, listing.assets.length], [0, 0]);
  });

  test("bytes that differ from the declared SHA-256 are refused at completeUpload and the asset is gone", async () => {
    const { client: alice } = await person();
    const declared = new TextEncoder().encode("the real contents");
    const sent = new TextEncoder().encode("the fake contents");
    assert.equal(sent.length, declared.length);

    const ticket = await alice.beginUpload({ name: "x.txt", mediaType: "text/plain", size: declared.length, sha256: sha256(declared) });
    assert.equal(ticket.asset.status, "pending");
    assert.ok(ticket.upload.url.startsWith(host.baseUrl + "/"), `absolute: ${ticket.upload.url}`);
    const put = await fetch(ticket.upload.url, { method: ticket.upload.method, headers: ticket.upload.headers, body: sent });
    assert.equal(put.status, 200, "storage takes the bytes; only completing checks them");

    await assert.rejects(alice.completeUpload(ticket.asset.id), (e) => ConversationsError.is(e, "invalid_argument") && /SHA-256/.test(e.message));
    await assert.rejects(alice.getAsset(ticket.asset.id), (e) => ConversationsError.is(e, "not_found"));
    assert.equal((await alice.listAssets(accountScope(alice.accountId))).assets.length, 0);
  });

  test("storage refusing the bytes rejects uploadFile with the code of its problem details", async () => {
    // Storage checks the signed Content-Type: change it on the way.
    const recorder = recordingFetch((url, init) => [url, { ...init, headers: { "Content-Type": "application/x-other" } }]);
    const { client: alice } = await person();

    await assert.rejects(alice.uploadFile(new TextEncoder().encode("hello"), { name: "h.txt", mediaType: "text/plain", fetch: recorder.fn }),
      (e) => ConversationsError.is(e, "forbidden") && /Content-Type/.test(e.message));
    assert.equal(recorder.calls.length, 1);
    assert.equal((await alice.listAssets(accountScope(alice.accountId))).assets.length, 0, "nothing was completed");
  });
});

describe("attachments", () => {
  test("a post names the asset; the server fills in name, type and size, and another member receives it", async () => {
    const { client: alice } = await person();
    const { client: bob } = await person();
    const { conversation, asset } = await sharedFile(alice, [bob]);
    const events = new Collector();
    await bob.subscribe(conversation.id, { onEvent: (e) => e.type === "conversation.message_posted" && events.push(e) });

    const posted = await alice.post(conversation.id, { text: "the numbers", attachments: [{ assetId: asset.id }] });

    const expected = [{ assetId: asset.id, name: "q3.txt", mediaType: "text/plain", size: asset.size }];
    assert.deepEqual(posted.attachments, expected);
    const [event] = await events.until((items) => items.length === 1, "bob's message_posted event");
    assert.equal(event.message.id, posted.id);
    assert.deepEqual(event.message.attachments, expected);
    assert.deepEqual((await bob.history(conversation.id)).messages[0].attachments, expected);
  });

  test("a member reads the bytes through the message; the stable link redirects to them", async () => {
    const { client: alice } = await person();
    const { client: bob, token } = await person();
    const { conversation, bytes, asset } = await sharedFile(alice, [bob]);
    const message = await alice.post(conversation.id, { attachments: [{ assetId: asset.id }] });
    const via = { conversationId: conversation.id, messageId: message.id };

    const link = await bob.assetLink(asset.id, via);
    assert.ok(link.url.startsWith(host.baseUrl + "/conversations/blobs/"), `absolute: ${link.url}`);
    assert.deepEqual([link.asset.id, link.inline, typeof link.expiresAt], [asset.id, false, "string"]);
    const direct = await fetch(link.url);
    assert.equal(direct.status, 200);
    assert.deepEqual(await bytesOf(direct), bytes, "the short-lived URL needs no credentials");

    const stable = bob.assetUrl(asset.id, via);
    assert.equal(stable, `${host.baseUrl}/conversations/assets/${asset.id}?conversationId=${conversation.id}&messageId=${message.id}`);
    const auth = { Authorization: `Bearer ${token}` };
    const redirect = await fetch(stable, { headers: auth, redirect: "manual" });
    assert.deepEqual([redirect.status, redirect.headers.get("cache-control")], [302, "no-store"]);
    const followed = await fetch(stable, { headers: auth });
    assert.equal(followed.status, 200);
    assert.deepEqual(await bytesOf(followed), bytes);

    assert.equal((await bob.getAsset(asset.id, via)).sha256, sha256(bytes));
    await assert.rejects(bob.getAsset(asset.id), (e) => ConversationsError.is(e, "forbidden"), "without the message, alice's own space is hers alone");
  });

  test("someone outside the room is forbidden, through the client and through the stable link", async () => {
    const { client: alice } = await person();
    const { client: bob } = await person();
    const { client: mallory, token } = await person();
    const { conversation, asset } = await sharedFile(alice, [bob]);
    const message = await alice.post(conversation.id, { attachments: [{ assetId: asset.id }] });
    const via = { conversationId: conversation.id, messageId: message.id };

    await assert.rejects(mallory.assetLink(asset.id, via), (e) => ConversationsError.is(e, "forbidden"));
    await assert.rejects(mallory.getAsset(asset.id, via), (e) => ConversationsError.is(e, "forbidden"));
    await assert.rejects(mallory.getAsset(asset.id), (e) => ConversationsError.is(e, "forbidden"));
    const refused = await fetch(mallory.assetUrl(asset.id, via), { headers: { Authorization: `Bearer ${token}` }, redirect: "manual" });
    assert.equal(refused.status, 403);
    assert.equal((await refused.json()).code, "forbidden");
    await assert.rejects(bob.post(conversation.id, { attachments: [{ assetId: asset.id }] }), (e) => ConversationsError.is(e, "forbidden"),
      "a member may not attach a file from someone else's own space");
  });

  test("an upload not yet completed cannot be attached", async () => {
    const { client: alice } = await person();
    const room = await alice.createRoom({ name: "pending" });
    const conversation = await alice.createConversation(room.id, "pending");
    const ticket = await alice.beginUpload({ name: "later.txt", mediaType: "text/plain", size: 5 });

    await assert.rejects(alice.post(conversation.id, { attachments: [{ assetId: ticket.asset.id }] }), (e) => ConversationsError.is(e, "conflict"));
    assert.equal((await alice.history(conversation.id)).messages.length, 0);
  });
});

describe("the room's library", () => {
  test("folders: create, list in pages, move and delete with their contents", async () => {
    const { client: alice } = await person();
    const room = await alice.createRoom({ name: "library" });
    const scope = roomScope(room.id);

    const created = await alice.createAssetFolder(scope, "/docs/2026");
    assert.deepEqual([created.scope, created.path, created.name, created.createdBy], [scope, "/docs/2026", "2026", alice.accountId]);
    await alice.createAssetFolder(scope, "/images");
    const report = await alice.uploadFile(new TextEncoder().encode("report"), { name: "report.txt", mediaType: "text/plain", folder: "/docs/2026", scope });
    assert.deepEqual([report.scope, report.folder], [scope, "/docs/2026"]);

    const first = await alice.listAssets(scope, { limit: 1 });
    assert.deepEqual(first.folders.map((f) => f.path), ["/docs"]);
    assert.equal(typeof first.nextCursor, "string");
    const second = await alice.listAssets(scope, { limit: 1, cursor: first.nextCursor });
    assert.deepEqual(second.folders.map((f) => f.path), ["/images"]);
    assert.deepEqual((await alice.listAssets(scope, { folder: "/docs/2026" })).assets.map((a) => a.id), [report.id]);

    const moved = await alice.moveAssetFolder(scope, "/docs", "/archive");
    assert.deepEqual([moved.path, moved.name], ["/archive", "archive"]);
    assert.equal((await alice.getAsset(report.id)).folder, "/archive/2026", "the folder's contents moved with it");
    assert.deepEqual((await alice.listAssets(scope)).folders.map((f) => f.path), ["/archive", "/images"]);

    const renamed = await alice.moveAsset(report.id, { name: "final.txt" });
    assert.deepEqual([renamed.name, renamed.folder], ["final.txt", "/archive/2026"]);
    const refiled = await alice.moveAsset(report.id, { folder: "/images" });
    assert.deepEqual([refiled.name, refiled.folder], ["final.txt", "/images"]);
    await alice.moveAsset(report.id, { folder: "/archive" });

    assert.equal(await alice.deleteAssetFolder(scope, "/archive"), 1, "one asset went with the folder");
    assert.deepEqual((await alice.listAssets(scope)).folders.map((f) => f.path), ["/images"]);
    await assert.rejects(alice.getAsset(report.id), (e) => ConversationsError.is(e, "not_found"));
    assert.equal(await alice.deleteAssetFolder(scope, "/images"), 0);
  });

  test("deleteAsset makes a file unreadable; a member may not delete another's file", async () => {
    const { client: alice } = await person();
    const { client: bob } = await person();
    const room = await alice.createRoom({ name: "library", participants: [{ accountId: bob.accountId }] });
    const scope = roomScope(room.id);
    const mine = await bob.uploadFile(new TextEncoder().encode("bob's"), { name: "bob.txt", mediaType: "text/plain", scope });
    const hers = await alice.uploadFile(new TextEncoder().encode("alice's"), { name: "alice.txt", mediaType: "text/plain", scope });

    await assert.rejects(bob.deleteAsset(hers.id), (e) => ConversationsError.is(e, "forbidden"));
    await bob.deleteAsset(mine.id);
    await assert.rejects(bob.assetLink(mine.id), (e) => ConversationsError.is(e, "not_found"));
    assert.deepEqual((await alice.listAssets(scope)).assets.map((a) => a.id), [hers.id]);
  });
});
