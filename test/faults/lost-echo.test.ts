// The lost acknowledgement: a send reaches the room and is stored, but its
// echo (the only acknowledgement) is dropped by a proxy, which then cuts the
// connection. The client cannot know whether the message was posted, so it
// sends it again with the same id after reconnecting, (a) within the grace
// period, into the same session, and (b) after it, into a new session. In
// every case the room holds exactly one message with that id, and the
// client counts it as delivered.
//
// Each case runs twice: as the page does (a message of its own in the
// welcome's catch-up counts as delivered), and with `echoOnly`, where the
// client writes the send again whatever the welcome holds, so that the
// room's answer to a repeated id is what confirms it.
//
// (v2) Changes the same way: the `update` that answers a reaction, an edit
// and a deletion is dropped and the connection cut; the client writes the
// change again after reconnecting, the room answers the repeat (a change
// that changes nothing) with the message as it is, and the change counts
// once: one reaction, one edit, one rev each.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WelcomeFrame } from "../../protocol";
import { startProxy, type WsProxy } from "../lib/proxy";
import { checkRoom, newMessageId, ResilientClient, roomInfo, waitUntil } from "../lib/resilient";
import { type DevServer, startDevServer } from "../lib/wrangler";
import { UNTHROTTLED } from "./helpers";

async function lostEcho(
  server: DevServer,
  proxy: WsProxy,
  room: string,
  opts: { echoOnly: boolean; afterGrace: boolean },
) {
  const observer = new ResilientClient({ base: server.url, room, name: "observer" });
  await observer.start();
  const writer = new ResilientClient({
    base: server.url,
    room,
    name: "writer",
    wsUrl: proxy.wsUrl(room),
    echoOnly: opts.echoOnly,
    backoffBaseMs: 100,
    backoffCapMs: 500,
  });
  const first = await writer.start();
  writer.send("before the fault");
  await writer.settled(30_000);

  const id = newMessageId();
  const dropped = proxy.dropEchoOf(id);
  writer.send("the echo of this one is lost", id);
  await dropped;
  if (opts.afterGrace) {
    // Held offline (the proxy's cut has not reached the client's socket yet,
    // so no reconnect has started) until the room has ended the session.
    writer.pause();
    await waitUntil(
      () =>
        observer.frames.some(
          (f) => f.type === "left" && f.user.id === first.you.id && f.reason === "disconnect",
        ),
      60_000,
      "the writer's session to end",
    );
    writer.resume();
  }
  writer.send("after the fault");

  const { verdict, stored } = await checkRoom(server.url, room, [observer, writer]);
  expect(verdict.errors).toEqual([]);
  const withId = stored.filter((m) => m.id === id);
  expect(withId).toHaveLength(1);
  const record = writer.sends().find((s) => s.id === id);
  expect(record?.outcome).toEqual({ kind: "confirmed", seq: withId[0]?.seq });
  expect(stored.map((m) => m.text)).toEqual([
    "before the fault",
    "the echo of this one is lost",
    "after the fault",
  ]);

  const last = writer.welcomes.at(-1) as WelcomeFrame;
  expect(writer.welcomes.length).toBeGreaterThanOrEqual(2);
  if (opts.afterGrace) {
    expect(last.you.id).not.toBe(first.you.id);
    expect(writer.stats.freshSessions).toBeGreaterThanOrEqual(1);
  } else {
    expect(last.you.id).toBe(first.you.id);
    expect(writer.stats.freshSessions).toBe(0);
  }
  if (opts.echoOnly) {
    // Written again, and the room answered the repeated id with the stored message.
    expect(writer.stats.resends).toBeGreaterThanOrEqual(1);
    expect(writer.stats.repeatAnswers).toBe(1);
  } else {
    // The welcome's catch-up (since = the last seq seen) carried it.
    expect(last.messages.map((m) => m.id)).toContain(id);
    expect(writer.stats.confirmedByCatchUp).toBe(1);
  }
  observer.close();
  writer.close();
}

/** A reaction, an edit and a deletion whose `update` is lost, each written again. */
async function lostUpdates(server: DevServer, proxy: WsProxy, room: string) {
  const observer = new ResilientClient({ base: server.url, room, name: "observer" });
  await observer.start();
  const writer = new ResilientClient({
    base: server.url,
    room,
    name: "writer",
    wsUrl: proxy.wsUrl(room),
    backoffBaseMs: 100,
    backoffCapMs: 500,
  });
  const first = await writer.start();
  writer.send("to react to");
  writer.send("to edit");
  writer.send("to delete");
  await writer.settled(30_000);
  const [reacted, edited, deleted] = writer.editable();
  if (reacted === undefined || edited === undefined || deleted === undefined)
    throw new Error("three messages of the writer's own");

  for (const [seq, ask] of [
    [reacted, () => writer.react(reacted, "👍")],
    [edited, () => writer.edit(edited, "edited once")],
    [deleted, () => writer.deleteMessage(deleted)],
  ] as const) {
    const dropped = proxy.dropUpdateOf(seq);
    expect(ask()).toBe(true);
    await dropped;
    await writer.changesSettled(30_000);
  }

  const { verdict } = await checkRoom(server.url, room, [observer, writer]);
  expect(verdict.errors).toEqual([]);
  // Each change once: three messages and three changes make rev 6.
  const info = await roomInfo(server.url, room);
  expect(info.rev).toBe(info.seq + 3);
  const seen = new Map(observer.folded().map((m) => [m.seq, m]));
  expect(seen.get(reacted)?.reactions).toEqual([{ emoji: "👍", users: [first.you.id] }]);
  expect(seen.get(edited)).toMatchObject({ text: "edited once" });
  expect(seen.get(deleted)).toMatchObject({ text: "", deleted: "author" });
  // The same session all along, and the changes went through the repeats.
  expect(writer.welcomes.length).toBeGreaterThanOrEqual(4);
  expect(new Set(writer.welcomes.map((w) => w.you.id)).size).toBe(1);
  expect(writer.changes().filter((c) => c.refused)).toEqual([]);
  console.log(JSON.stringify({ scenario: "lost-updates", ...writer.stats }));
  // Each written again after its reconnect, and acknowledged by the answer to the repeat.
  expect(writer.stats.changeResends).toBe(3);
  expect(writer.stats.changesAcknowledged).toBe(3);
  observer.close();
  writer.close();
}

describe("lost echo, resent within the grace period", () => {
  let server: DevServer;
  let proxy: WsProxy;
  beforeAll(async () => {
    // A long grace: the reconnect is never late for it, however loaded the machine.
    server = await startDevServer({ vars: { ...UNTHROTTLED, RESUME_GRACE_MS: 600_000 } });
    proxy = await startProxy(`ws://127.0.0.1:${server.port}`);
  });
  afterAll(async () => {
    await proxy?.close();
    await server?.dispose();
  });

  it("stores it once and confirms it, catching up as the page does", async () => {
    await lostEcho(server, proxy, "echo-in-grace", { echoOnly: false, afterGrace: false });
  });
  it("stores it once and confirms it when written again", async () => {
    await lostEcho(server, proxy, "echo-in-grace-resent", { echoOnly: true, afterGrace: false });
  });
  it("applies a reaction, an edit and a deletion once when their updates are lost", async () => {
    await lostUpdates(server, proxy, "update-in-grace");
  });
});

describe("lost echo, resent after the grace period into a new session", () => {
  let server: DevServer;
  let proxy: WsProxy;
  beforeAll(async () => {
    server = await startDevServer({ vars: { ...UNTHROTTLED, RESUME_GRACE_MS: 2000 } });
    proxy = await startProxy(`ws://127.0.0.1:${server.port}`);
  });
  afterAll(async () => {
    await proxy?.close();
    await server?.dispose();
  });

  it("stores it once and confirms it, catching up as the page does", async () => {
    await lostEcho(server, proxy, "echo-after-grace", { echoOnly: false, afterGrace: true });
  });
  it("stores it once and confirms it when written again", async () => {
    await lostEcho(server, proxy, "echo-after-grace-resent", { echoOnly: true, afterGrace: true });
  });
});
