// A crash under load: 20 clients in one room each send a message every
// 100–200 ms; mid-way the whole `wrangler dev` process group is killed with
// SIGKILL (no shutdown, no flush) and started again on the same persist
// folder. The clients, which keep sending while the server is gone, reconnect
// with backoff, resume their sessions with token and `since`, fill any gap,
// and resend what was not confirmed. Once every send has settled, the checker
// compares storage with every send and every client's view: nothing
// confirmed is lost, nothing is stored twice, each sender's order holds, and
// no client shows a hole.
//
// (v2) The clients change the history too: of their actions, about 70% are
// sends, 20% reaction toggles on a recent message and 10% edits of one of
// their own, and each deletes one of its messages at the end. The changes
// checker (test/lib/checker.ts) then holds every change that was not
// refused against the room's pages, and every client's folded view equals
// those pages: a change stored before its update went out survives the
// SIGKILL, and one that was not is written again.
import { afterAll, beforeAll, expect, it } from "vitest";
import { checkRoom, ResilientClient, roomInfo, totalStats, waitUntil } from "../lib/resilient";
import { type DevServer, startDevServer } from "../lib/wrangler";
import { sleep, UNTHROTTLED } from "./helpers";

const CLIENTS = 20;
const EMOJI = ["👍", "❤️", "😂", "🎉"];
/** Confirmed messages before the crash, and sends per client after the restart. */
const BEFORE_CRASH = 400;
const AFTER_RESTART = 20;

let server: DevServer;
beforeAll(async () => {
  // A grace far longer than a restart: every client must get its session back.
  server = await startDevServer({ vars: { ...UNTHROTTLED, RESUME_GRACE_MS: 600_000 } });
});
afterAll(async () => {
  await server?.dispose();
});

it("loses nothing confirmed and doubles nothing across a SIGKILL and a restart", async () => {
  const room = "crash";
  const clients = Array.from(
    { length: CLIENTS },
    (_, i) =>
      new ResilientClient({
        base: server.url,
        room,
        name: `c${i}`,
        backoffBaseMs: 250,
        backoffCapMs: 2000,
        maxAttempts: 200,
      }),
  );
  await Promise.all(clients.map((c) => c.start()));

  // Each client sends on its own jittered clock until told to stop.
  let sending = true;
  const sentAfterRestart = new Map<ResilientClient, number>();
  let restarted = false;
  const pick = <T>(list: T[]): T | undefined => list[Math.floor(Math.random() * list.length)];
  const loops = clients.map(async (c, i) => {
    let n = 0;
    while (sending) {
      const roll = Math.random();
      const target = roll < 0.9 ? pick(c.recent(20)) : pick(c.editable().slice(-5));
      if (roll >= 0.7 && roll < 0.9 && target !== undefined) c.react(target, pick(EMOJI) as string);
      else if (roll >= 0.9 && target !== undefined) c.edit(target, `c${i} #${n++} (edited)`);
      else {
        c.send(`c${i} #${n++}`);
        if (restarted) sentAfterRestart.set(c, (sentAfterRestart.get(c) ?? 0) + 1);
      }
      await sleep(100 + Math.random() * 100);
    }
    const own = c.editable().at(-2);
    if (own !== undefined) c.deleteMessage(own);
  });
  const confirmed = () =>
    clients.reduce((n, c) => n + c.sends().filter((s) => s.outcome.kind === "confirmed").length, 0);

  await waitUntil(() => confirmed() >= BEFORE_CRASH, 120_000, `${BEFORE_CRASH} confirmed sends`);
  const seqAtCrash = Math.max(...clients.map((c) => c.highestSeq));
  await server.stop("SIGKILL");
  // Written to the dying sockets or queued since, not confirmed: all must be resent.
  const unconfirmedAtCrash = clients.reduce((n, c) => n + c.unconfirmed, 0);
  await server.restart();
  restarted = true;

  // Everyone back (a welcome after the restart), and sending for a while on the new server.
  await waitUntil(
    () => clients.every((c) => c.connected && c.stats.welcomes >= 2),
    180_000,
    "every client to reconnect",
  );
  await waitUntil(
    () => clients.every((c) => (sentAfterRestart.get(c) ?? 0) >= AFTER_RESTART),
    120_000,
    `${AFTER_RESTART} sends per client after the restart`,
  );
  sending = false;
  await Promise.all(loops);

  const { verdict, latestSeq } = await checkRoom(server.url, room, clients, 180_000);
  expect(verdict.errors).toEqual([]);
  expect(verdict.counts.unknown).toBe(0);
  expect(verdict.counts.refused).toBe(0);
  expect(verdict.counts.stored).toBe(verdict.counts.confirmed);
  expect(latestSeq).toBeGreaterThan(seqAtCrash);
  const changes = clients.flatMap((c) => c.changes());
  expect(changes.filter((c) => c.kind === "react").length).toBeGreaterThan(0);
  expect(changes.filter((c) => c.kind === "edit").length).toBeGreaterThan(0);

  // Every client resumed its own session (same user id) after the crash.
  for (const c of clients) {
    expect(new Set(c.welcomes.map((w) => w.you.id)).size).toBe(1);
    expect(c.stats.resumed).toBeGreaterThanOrEqual(1);
    expect(c.stats.gaveUp).toBeNull();
  }
  const info = await roomInfo(server.url, room);
  expect(info.online).toBe(CLIENTS);

  const totals = totalStats(clients);
  console.log(
    JSON.stringify({
      scenario: "crash",
      clients: CLIENTS,
      stored: verdict.counts.stored,
      seqAtCrash,
      unconfirmedAtCrash,
      latestSeq,
      changes: changes.length,
      changesRefused: changes.filter((c) => c.refused).length,
      ...totals,
    }),
  );
  expect(totals.outOfOrder).toBe(0);
  for (const c of clients) c.close();
});
